/**
 * NATS restarts under a running gateway and orchestrator: both reconnect, the orchestrator's
 * watches of gateway presence and config versions go on, and the fleet stays connected.
 */
import { eventually, sleep } from '@roost/testing';
import { accepted, collectorYaml, RolloutTestBed } from './rollout-test-bed';

jest.setTimeout(90_000);

describe('NATS restart', () => {
  let bed: RolloutTestBed;

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    await bed.startGateway('gw-restart');
    await bed.startOrchestrator({ instanceId: 'orchestrator-restart' });
    await eventually(() => bed.orchestrators[0]?.isLeader(), { timeoutMs: 10_000, what: 'the orchestrator to lead' });
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('keeps the fleet connected through a NATS restart and still runs a rollout afterwards', async () => {
    const baseline = await bed.createConfig(collectorYaml('basic'), 'restart-baseline');
    const agents = await bed.connectAgents(4, 'restart', baseline);
    await bed.fleetHas(agents, 'restart');

    await bed.nats.restart();
    // Longer than the presence timeout: gateways are judged gone only if their refreshes are lost.
    await sleep(15_000);
    const preview = await eventually(
      async () => (await bed.request('group.cmd.preview', { target: { kind: 'group', group: 'restart' } }, 2_000)) as { ok: boolean; result: { connected: number } },
      { timeoutMs: 20_000, what: 'the orchestrator to answer again' },
    );
    expect(preview.result.connected).toBe(4);

    const next = await bed.createConfig(collectorYaml('detailed'), 'restart-next');
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: 'restart' }, configHash: next, plan: [{ percent: 100, windowMs: 200 }] }));
    await bed.waitForStatus(started.rolloutId, 'completed');
    expect(agents.every((agent) => agent.runningHash === next)).toBe(true);
  });
});
