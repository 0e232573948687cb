import {
  configNameHistoryContract,
  rolloutActionRequestContract,
  rolloutReplyContract,
  startRolloutRequestContract,
  subjects,
} from './index';

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const HASH = 'ab'.repeat(32);

describe('admin command contracts', () => {
  it('accepts a start naming a group and an existing config version', () => {
    const request = { target: { kind: 'group', group: 'production' }, configHash: HASH, threshold: 0.2, actor: 'ci' };
    expect(startRolloutRequestContract.decode(encode(request))).toEqual(request);
  });

  it('accepts a start with a selector as text or structured requirements, and inline YAML', () => {
    const text = { target: { kind: 'selector', selector: 'cloud.region in (eu,us)' }, config: { yaml: 'service: {}\n' } };
    const structured = { target: { kind: 'selector', selector: { requirements: [{ op: 'exists', key: 'canary' }] } }, configHash: HASH };
    expect(startRolloutRequestContract.decode(encode(text))).toEqual(text);
    expect(startRolloutRequestContract.decode(encode(structured))).toEqual(structured);
  });

  it('refuses a start with both or neither of configHash and config', () => {
    const both = { target: { kind: 'group', group: 'p' }, configHash: HASH, config: { yaml: 'a: 1' } };
    const neither = { target: { kind: 'group', group: 'p' } };
    expect(() => startRolloutRequestContract.decode(encode(both))).toThrow(/exactly one of configHash/);
    expect(() => startRolloutRequestContract.decode(encode(neither))).toThrow(/exactly one of configHash/);
  });

  it('takes a config and a baseline by reference, for the orchestrator to resolve, but not also by hash', () => {
    const byRef = { target: { kind: 'group', group: 'p' }, configRef: 'edge@2', baselineConfigRef: 'edge' };
    expect(startRolloutRequestContract.decode(encode(byRef))).toEqual(byRef);
    expect(() => startRolloutRequestContract.decode(encode({ ...byRef, configHash: HASH }))).toThrow(/exactly one of configHash or configRef/);
    expect(() => startRolloutRequestContract.decode(encode({ ...byRef, baselineConfigHash: HASH }))).toThrow(/at most one of baselineConfigHash and baselineConfigRef/);
  });

  it('requires the actor of an operator action and a subject-safe rollout id', () => {
    expect(() => rolloutActionRequestContract.decode(encode({ rolloutId: 'r-1' }))).toThrow(/actor/);
    expect(() => rolloutActionRequestContract.decode(encode({ rolloutId: 'r.1', actor: 'ann' }))).toThrow(/rolloutId/);
    expect(rolloutActionRequestContract.decode(encode({ rolloutId: 'r-1', actor: 'ann', reason: 'dashboards red' })).reason).toBe('dashboards red');
  });

  it('round-trips an error reply and a named config history', () => {
    const reply = { ok: false as const, error: { code: 'rollout.not_found', message: 'no rollout r-9', details: { rolloutId: 'r-9' } } };
    expect(rolloutReplyContract.decode(rolloutReplyContract.encode(reply))).toEqual(reply);
    const history = { name: 'edge', versions: [{ version: 1, hash: HASH, createdAt: 5, actor: null }] };
    expect(configNameHistoryContract.decode(configNameHistoryContract.encode(history))).toEqual(history);
  });

  it('builds the command subjects', () => {
    expect(subjects.configCommand('create')).toBe('config.cmd.create');
    expect(subjects.groupCommand('list')).toBe('group.cmd.list');
    expect(subjects.rolloutQuery('status')).toBe('rollout.query.status');
  });
});
