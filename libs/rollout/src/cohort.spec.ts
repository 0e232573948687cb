import fc from 'fast-check';
import { cohortKey, cohortOrder, type CohortMember } from './index';

const members = (rolloutId: string, ids: readonly string[], stratum: (id: string) => string | null = () => null): CohortMember[] =>
  ids.map((agentId) => ({ agentId, cohortKey: cohortKey(rolloutId, agentId), stratum: stratum(agentId) }));

const ids = Array.from({ length: 200 }, (_, i) => `agent-${i}`);

describe('cohort order', () => {
  it('is deterministic and independent of the input order', () => {
    const forward = cohortOrder('r1', members('r1', ids));
    const backward = cohortOrder('r1', members('r1', [...ids].reverse()));
    expect(backward).toEqual(forward);
    expect(cohortKey('r1', 'agent-1')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('differs between rollouts, so the same agents are not always the canaries', () => {
    expect(cohortOrder('r1', members('r1', ids)).slice(0, 10)).not.toEqual(cohortOrder('r2', members('r2', ids)).slice(0, 10));
  });

  it('keeps the relative order of existing members when an agent joins', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), (joiner) => {
        fc.pre(!ids.includes(joiner));
        const before = cohortOrder('r1', members('r1', ids));
        const after = cohortOrder('r1', members('r1', [...ids, joiner])).filter((agentId) => agentId !== joiner);
        expect(after).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });

  it('covers every stratum in its first agents when stratified', () => {
    const region = (agentId: string): string => ['eu', 'us', 'ap', 'sa'][Number(agentId.split('-')[1]) % 4]!;
    const order = cohortOrder('r1', members('r1', ids, region));
    expect(new Set(order.slice(0, 4).map(region))).toEqual(new Set(['eu', 'us', 'ap', 'sa']));
    expect(new Set(order)).toEqual(new Set(ids));
  });

  it('still covers a small stratum once the large ones run on', () => {
    const stratum = (agentId: string): string => (agentId === 'agent-7' ? 'edge' : 'core');
    const order = cohortOrder('r1', members('r1', ids, stratum));
    expect(order.slice(0, 2)).toContain('agent-7');
  });
});
