/**
 * Rollouts end to end: real nats-server, the real gateway, the orchestrator, and agents speaking
 * OpAMP over WebSocket. Phase windows are short here; the defaults stay as designed.
 */
import type { RolloutEvent } from '@roost/rollout';
import { eventually } from '@roost/testing';
import { accepted, collectorYaml, RolloutTestBed } from './rollout-test-bed';
import { FAIL_MARKER } from './collector-agent';

jest.setTimeout(60_000);

const DEFAULT_PLAN_SHAPE = [
  { name: 'canary', percent: 2, windowMs: 300 },
  { name: 'early-adopters', percent: 10, windowMs: 300 },
  { name: 'majority', percent: 50, windowMs: 300 },
  { name: 'full', percent: 100 },
];

function expectContiguousIds(rolloutId: string, events: readonly RolloutEvent[]): void {
  expect(events.map((event) => event.id)).toEqual(events.map((_, index) => `${rolloutId}/${index + 1}`));
}

describe('rollout lifecycle across gateway and orchestrator', () => {
  let bed: RolloutTestBed;
  let baseline: string;

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    await bed.startGateway('gw-a');
    await bed.startGateway('gw-b');
    await bed.startOrchestrator({ instanceId: 'orchestrator-1' });
    await eventually(() => bed.orchestrators[0]?.isLeader(), { timeoutMs: 10_000, what: 'the orchestrator to lead' });
    baseline = await bed.createConfig(collectorYaml('basic'), 'baseline');
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('takes a default-plan-shaped rollout through every phase to completion and tells the webhook', async () => {
    const agents = await bed.connectAgents(20, 'prod-full', baseline);
    await bed.fleetHas(agents, 'prod-full');
    const next = await bed.createConfig(collectorYaml('detailed'), 'edge');

    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: 'prod-full' }, configHash: next, plan: DEFAULT_PLAN_SHAPE }));
    expect(started).toMatchObject({ status: 'in_progress', members: 20, targeted: 1, phase: { index: 0, name: 'canary', of: 4 } });

    const done = await bed.waitForStatus(started.rolloutId, 'completed');
    expect(done).toMatchObject({ applied: 20, failed: 0, targeted: 20 });
    for (const agent of agents) {
      expect(agent.offeredHashes()).toEqual([next]);
      expect(agent.runningHash).toBe(next);
      expect(await bed.desired(agent.agentId)).toMatchObject({ configHash: next, rolloutId: started.rolloutId });
    }
    const events = await bed.events(started.rolloutId);
    expectContiguousIds(started.rolloutId, events);
    const phases = events.filter((event) => event.type === 'PhaseStarted').map((event) => (event.type === 'PhaseStarted' ? [event.name, event.allowance] : []));
    expect(phases).toEqual([
      ['canary', 1],
      ['early-adopters', 2],
      ['majority', 10],
      ['full', 20],
    ]);
    const hook = await eventually(() => bed.webhookCalls.find((call) => call.rolloutId === started.rolloutId && call.kind === 'completed'));
    expect(hook.text).toMatch(/completed: 20 agents applied the config, 0 failed/);
  });

  it('rolls a config the canary refuses back, each touched agent to its own previous config', async () => {
    const other = await bed.createConfig(collectorYaml('normal'), 'baseline-b');
    const agents = await bed.connectAgents(12, 'prod-bad', (index) => (index % 2 === 0 ? baseline : other));
    await bed.fleetHas(agents, 'prod-bad');
    const bad = await bed.createConfig(collectorYaml('detailed', { marker: FAIL_MARKER }), 'edge-bad');

    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: 'prod-bad' }, configHash: bad, plan: DEFAULT_PLAN_SHAPE }));
    const done = await bed.waitForStatus(started.rolloutId, 'rolled_back');
    expect(done.failed).toBe(1);

    const touched = agents.filter((agent) => agent.offers.length > 0);
    expect(touched).toHaveLength(1);
    for (const agent of agents) {
      const own = agents.indexOf(agent) % 2 === 0 ? baseline : other;
      if (touched.includes(agent)) {
        await eventually(() => agent.offers.length === 2, { what: 'the revert to reach the canary' });
        expect(agent.offeredHashes()).toEqual([bad, own]);
        expect(await bed.desired(agent.agentId)).toMatchObject({ configHash: own, rolloutId: started.rolloutId });
      } else {
        expect(agent.offers).toEqual([]);
      }
      expect(agent.runningHash).toBe(own);
    }
    const events = await bed.events(started.rolloutId);
    expectContiguousIds(started.rolloutId, events);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['AgentConfigFailed', 'PhaseFailed', 'AgentsReverted', 'RolloutRolledBack']));
    const hook = await eventually(() => bed.webhookCalls.find((call) => call.rolloutId === started.rolloutId && call.kind === 'rolled_back'));
    expect(hook.text).toMatch(/rolled back after a failed phase: 1 agents reverted/);
  });

  it('refuses YAML that does not parse, naming line and column, before any agent sees it', async () => {
    const reply = await bed.request('config.cmd.create', { yaml: 'receivers:\n  otlp: [grpc\nexporters:\n  debug: {}\n', name: 'broken', actor: 'test' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'config.invalid', details: { errors: [{ code: 'config.yaml_syntax', line: 3, column: 1 }] } } });
    expect((reply as { error: { message: string } }).error.message).toMatch(/line 3, column 1/);
  });

  it('refuses a pipeline that references an undefined exporter, and a rollout given that YAML inline', async () => {
    const dangling = collectorYaml('basic').replace('exporters: [debug]', 'exporters: [debug, otlphttp/backend]');
    const reply = await bed.request('config.cmd.create', { yaml: dangling, name: 'dangling', actor: 'test' });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'config.invalid', details: { errors: [{ code: 'config.undefined_component', path: 'service.pipelines.traces.exporters[1]', line: 13 }] } },
    });
    const start = await bed.startRollout({ target: { kind: 'group', group: 'prod-full' }, config: { yaml: dangling } });
    expect(start).toMatchObject({ ok: false, error: { code: 'config.invalid' } });
  });

  it('lists groups with agent counts and keeps named config versions with a diff', async () => {
    const groups = (await bed.request('group.cmd.list', {})) as { ok: true; result: { groups: { group: string; agents: number; connected: number }[] } };
    expect(groups.result.groups).toEqual(expect.arrayContaining([expect.objectContaining({ group: 'prod-full', agents: 20, connected: 20 })]));
    await bed.createConfig(collectorYaml('normal'), 'edge');
    const history = (await bed.request('config.cmd.history', { name: 'edge' })) as { ok: true; result: { versions: { version: number }[] } };
    expect(history.result.versions.map((v) => v.version)).toEqual([1, 2]);
    const diff = (await bed.request('config.cmd.diff', { from: 'edge@1', to: 'edge' })) as { ok: true; result: { unified: string; components: { changed: string[] } } };
    expect(diff.result.unified).toContain('-    verbosity: detailed\n+    verbosity: normal');
    expect(diff.result.components.changed).toEqual(['exporters/debug']);
  });
});
