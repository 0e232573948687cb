/**
 * The leader orchestrator runs as its own process and is SIGKILLed mid-phase; the hot standby
 * (in this process) takes the lease once it lapses and finishes the rollout from its events.
 */
import { targetedAgentIds } from '@roost/rollout';
import { eventually } from '@roost/testing';
import { accepted, collectorYaml, RolloutTestBed } from './rollout-test-bed';
import { ServiceProcess } from './service-process';

jest.setTimeout(120_000);

describe('orchestrator leader failover', () => {
  let bed: RolloutTestBed;
  // After a fault, as after every step: the orchestrators' invariant checker finds nothing now and counted nothing.
  afterEach(async () => expect(await bed.invariantViolations()).toEqual([]));
  let leader: ServiceProcess | null = null;

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    await bed.startGateway('gw-failover-1');
    await bed.startGateway('gw-failover-2');
  });

  afterAll(async () => {
    await leader?.kill();
    await bed?.stop();
  });

  it('lets the standby finish a rollout whose leader was killed mid-phase, with no event written twice and no wrong push', async () => {
    leader = ServiceProcess.start('services/orchestrator/src/main.ts', { NATS_URL: bed.nats.url, ORCHESTRATOR_ID: 'orchestrator-a', ROOST_WEBHOOK_URLS: bed.webhookUrl });
    await leader.waitForLine((line) => line.msg === 'orchestrator leading: answering commands', 30_000);
    const standby = await bed.startOrchestrator({ instanceId: 'orchestrator-b' });
    expect(standby.isLeader()).toBe(false);

    const baseline = await bed.createConfig(collectorYaml('basic'), 'failover-baseline');
    const next = await bed.createConfig(collectorYaml('detailed'), 'failover-next');
    const agents = await bed.connectAgents(10, 'failover', baseline);
    await bed.fleetHas(agents, 'failover');
    await eventually(() => standby.fleetSize() >= 10, { what: 'the standby to see the fleet' });

    const plan = [
      { name: 'canary', count: 2, windowMs: 1_000 },
      { name: 'half', percent: 50, windowMs: 2_000 },
      { name: 'full', percent: 100 },
    ];
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: 'failover' }, configHash: next, plan, timing: { applyTimeoutMs: 60_000, disconnectGraceMs: 60_000, healthGraceMs: 5_000 } }));
    await eventually(async () => (await bed.events(started.rolloutId)).some((event) => event.type === 'PhaseStarted' && event.phase === 1), {
      timeoutMs: 15_000,
      intervalMs: 50,
      what: 'the second phase to start',
    });
    await leader.kill();
    const killedAt = Date.now();
    expect(standby.isLeader()).toBe(false);

    await eventually(() => standby.isLeader(), { timeoutMs: 20_000, intervalMs: 100, what: 'the standby to take over' });
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(standby.options.leaseTtlMs + 3_000);

    const done = await bed.waitForStatus(started.rolloutId, 'completed', 30_000);
    expect(done).toMatchObject({ applied: 10, failed: 0 });
    const events = await bed.events(started.rolloutId);
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => `${started.rolloutId}/${index + 1}`));
    expect(events.filter((event) => event.type === 'PhaseStarted').map((event) => (event.type === 'PhaseStarted' ? event.phase : -1))).toEqual([0, 1, 2]);
    const targeted = targetedAgentIds(events);
    expect(new Set(targeted).size).toBe(10);
    expect(targeted).toHaveLength(10);
    for (const agent of agents) {
      expect(agent.offeredHashes()).toEqual([next]);
      expect(await bed.desired(agent.agentId)).toMatchObject({ configHash: next, rolloutId: started.rolloutId });
    }
    await eventually(() => bed.webhookCalls.some((call) => call.rolloutId === started.rolloutId && call.kind === 'completed'));
  });
});
