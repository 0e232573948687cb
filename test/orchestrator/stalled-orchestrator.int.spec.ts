/**
 * Issue 14, defect 1: an orchestrator that stalls past its FLEET_EVENTS reader's inactivity
 * threshold (SIGSTOP here; a GC pause, a VM migration or a long NATS outage in production)
 * must not go blind. The standby runs as its own process and is frozen for 15 s while its reader
 * is dropped by the server (deleted, as the server deletes an idle ephemeral consumer); thawed,
 * it takes over from the leader and must judge a rollout on what the agents really run.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { STREAMS } from '@roost/contracts';
import { connectNats } from '@roost/platform-nats';
import { eventually, sleep } from '@roost/testing';
import { accepted, collectorYaml, RolloutTestBed } from './rollout-test-bed';
import { ServiceProcess } from './service-process';

jest.setTimeout(150_000);

describe('an orchestrator frozen past its fleet reader’s inactivity threshold', () => {
  let bed: RolloutTestBed;
  // After a fault, as after every step: the orchestrators' invariant checker finds nothing now and counted nothing.
  afterEach(async () => expect(await bed.invariantViolations()).toEqual([]));
  let standby: ServiceProcess | null = null;

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    await bed.startGateway('gw-stall-1');
    await bed.startGateway('gw-stall-2');
  });

  afterAll(async () => {
    await standby?.kill();
    await bed?.stop();
  });

  it('recreates its reader on thaw, says so, catches up, and after taking over sees the canaries that applied (no false apply_timeout)', async () => {
    const leader = await bed.startOrchestrator({ instanceId: 'orchestrator-leader' });
    await eventually(() => leader.isLeader(), { timeoutMs: 20_000, what: 'the in-process orchestrator to lead' });
    standby = ServiceProcess.start('services/orchestrator/src/main.ts', { NATS_URL: bed.nats.url, ORCHESTRATOR_ID: 'orchestrator-frozen' });
    await standby.waitForLine((line) => line.msg === 'orchestrator started; campaigning for the lease', 30_000);

    const baseline = await bed.createConfig(collectorYaml('basic'), 'stall-baseline');
    const next = await bed.createConfig(collectorYaml('detailed'), 'stall-next');
    const agents = await bed.connectAgents(6, 'stall', baseline);
    await bed.fleetHas(agents, 'stall');

    standby.freeze();
    // Past the 10 s after which the server deleted the old ephemeral reader; and whatever the
    // threshold, the server drops it: deleting it by hand is what the server does after it.
    const client = await connectNats({ url: bed.nats.url, name: 'stall-test-admin' });
    try {
      const jsm = await jetstreamManager(client.nc);
      for await (const info of jsm.consumers.list(STREAMS.fleetEvents.name)) await jsm.consumers.delete(STREAMS.fleetEvents.name, info.name);
    } finally {
      await client.close();
    }
    await sleep(15_000);
    standby.thaw();
    const thawedAt = Date.now();

    await standby.waitForLine((line) => line.msg === 'stream follower lost its server-side consumer; recreating it after the last event received' && line.level === 40, 30_000);
    await standby.waitForLine((line) => line.msg === 'fleet feed lost: the view misses new fleet events and rollout decisions wait until it has caught up' && line.level === 40, 10_000);
    await standby.waitForLine((line) => line.msg === 'fleet feed reads again; rollout decisions resume once the view has caught up', 30_000);
    const readsAgainMs = Date.now() - thawedAt;

    // The leader stops (releasing its lease); the thawed process leads and runs the rollout.
    await leader.stop();
    await standby.waitForLine((line) => line.msg === 'orchestrator leading: answering commands', 30_000);
    // It counts every agent connected at once: a gateway's refreshes heard while the thawed
    // process read its presence do not make it judge the gateway gone.
    const preview = (await bed.request('group.cmd.preview', { target: { kind: 'group', group: 'stall' } })) as { result: { connected: number } };
    expect(preview.result.connected).toBe(6);
    const plan = [
      { name: 'canary', count: 2, windowMs: 1_000 },
      { name: 'full', percent: 100 },
    ];
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: 'stall' }, configHash: next, plan, timing: { applyTimeoutMs: 10_000, disconnectGraceMs: 30_000, healthGraceMs: 1_000 } }));
    const done = await bed.waitForStatus(started.rolloutId, 'completed', 60_000);
    expect(done).toMatchObject({ applied: 6, failed: 0 });
    expect((await bed.events(started.rolloutId)).map((event) => event.type)).not.toContain('AgentsReverted');
    for (const agent of agents) expect(agent.offeredHashes()).toEqual([next]);
    process.stdout.write(`stalled-orchestrator: frozen 15 s with its reader deleted; its fleet feed read again ${readsAgainMs} ms after the thaw; after taking over it completed a rollout, 6 of 6 applied, no revert\n`);
  });
});
