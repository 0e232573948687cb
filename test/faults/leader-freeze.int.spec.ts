/**
 * Defect 5 of issue 14, on real processes: the leader orchestrator is frozen (SIGSTOP) past its
 * lease; the standby takes the lease over before the server would have expired it, and the
 * thawed process finds itself deposed and never acts as leader again; rollouts go on under the
 * new leader.
 */
import { eventually } from '@roost/testing';
import { accepted, collectorYaml, RolloutTestBed } from '../orchestrator/rollout-test-bed';
import { ServiceProcess } from '../orchestrator/service-process';

jest.setTimeout(120_000);

describe('leader orchestrator frozen past its lease', () => {
  let bed: RolloutTestBed;
  // After a fault, as after every step: the orchestrators' invariant checker finds nothing now and counted nothing.
  afterEach(async () => expect(await bed.invariantViolations()).toEqual([]));
  let frozen: ServiceProcess | null = null;

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    await bed.startGateway('gw-freeze');
  });

  afterAll(async () => {
    frozen?.thaw();
    await frozen?.kill();
    await bed?.stop();
  });

  it('hands the lease to the standby; thawed, the old leader stands down and a rollout completes under the new one', async () => {
    frozen = ServiceProcess.start('services/orchestrator/src/main.ts', { NATS_URL: bed.nats.url, ORCHESTRATOR_ID: 'orchestrator-frozen' });
    await frozen.waitForLine((line) => line.msg === 'orchestrator leading: answering commands', 30_000);
    const standby = await bed.startOrchestrator({ instanceId: 'orchestrator-thawed-standby' });
    const baseline = await bed.createConfig(collectorYaml('basic'), 'freeze-baseline');
    const agents = await bed.connectAgents(4, 'freeze', baseline);
    await bed.fleetHas(agents, 'freeze');

    frozen.freeze();
    await eventually(() => standby.isLeader(), { timeoutMs: 20_000, intervalMs: 50, what: 'the standby to take over' });
    frozen.thaw();
    const stoodDown = await frozen.waitForLine((line) => line.msg === 'no longer orchestrator leader', 20_000);
    expect(String(stoodDown['reason'])).toMatch(/another process holds the lease|could not be renewed/);

    const next = await bed.createConfig(collectorYaml('detailed'), 'freeze-next');
    const started = accepted(
      await bed.startRollout({ target: { kind: 'group', group: 'freeze' }, configHash: next, plan: [{ name: 'all', percent: 100, windowMs: 500 }] }),
    );
    await bed.waitForStatus(started.rolloutId, 'completed', 30_000);
    for (const agent of agents) expect(agent.offeredHashes()).toEqual([next]);
    expect(frozen.lines.filter((line) => line.msg === 'orchestrator leading: answering commands')).toHaveLength(1);
  });
});
