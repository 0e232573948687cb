/**
 * NATS restarts under a running gateway and orchestrator: both reconnect, the orchestrator's
 * watches of gateway presence and config versions go on, and the fleet stays connected.
 */
import { eventually, sleep } from '@roost/testing';
import { accepted, collectorYaml, RolloutTestBed } from './rollout-test-bed';

jest.setTimeout(90_000);

/** How long NATS is down (killed, then started again on its port and data). */
const OUTAGE_MS = 5_000;

describe('NATS restart', () => {
  let bed: RolloutTestBed;
  // After a fault, as after every step: the orchestrators' invariant checker finds nothing now and counted nothing.
  afterEach(async () => expect(await bed.invariantViolations()).toEqual([]));

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    await bed.startGateway('gw-restart');
    await bed.startOrchestrator({ instanceId: 'orchestrator-restart' });
    await eventually(() => bed.orchestrators[0]?.isLeader(), { timeoutMs: 10_000, what: 'the orchestrator to lead' });
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('keeps the fleet connected through a 5 s NATS outage and still runs a rollout afterwards', async () => {
    const baseline = await bed.createConfig(collectorYaml('basic'), 'restart-baseline');
    const agents = await bed.connectAgents(4, 'restart', baseline);
    await bed.fleetHas(agents, 'restart');

    await bed.nats.kill();
    await sleep(OUTAGE_MS);
    await bed.nats.restart();
    const backAt = Date.now();
    await eventually(async () => ((await bed.request('group.cmd.preview', { target: { kind: 'group', group: 'restart' } }, 2_000)) as { ok: boolean }).ok, {
      timeoutMs: 20_000,
      what: 'the orchestrator to answer again',
    });
    const answeredMs = Date.now() - backAt;
    // Longer than the presence timeout: gateways are judged gone only if their refreshes are lost.
    await sleep(Math.max(0, 15_000 - answeredMs));
    const preview = (await bed.request('group.cmd.preview', { target: { kind: 'group', group: 'restart' } }, 2_000)) as { ok: boolean; result: { connected: number } };
    expect(preview.result.connected).toBe(4);

    const next = await bed.createConfig(collectorYaml('detailed'), 'restart-next');
    const startedAt = Date.now();
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: 'restart' }, configHash: next, plan: [{ percent: 100, windowMs: 200 }] }));
    await bed.waitForStatus(started.rolloutId, 'completed');
    process.stdout.write(`nats-restart: NATS down ${OUTAGE_MS} ms; the orchestrator answered ${answeredMs} ms after it was back; 15 s later 4 of 4 agents connected; the next rollout completed ${Date.now() - startedAt} ms after its start\n`);
    expect(agents.every((agent) => agent.runningHash === next)).toBe(true);
  });
});
