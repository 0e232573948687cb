/**
 * Roost on a real 3-node NATS JetStream cluster, every stream and bucket at 3 replicas: a
 * rollout over two gateways, with a standby orchestrator, completes while a node is killed
 * mid-rollout (once the ROLLOUT_EVENTS stream leader, once the meta leader) and brought back
 * 5 s later;
 * a frozen node (SIGSTOP, a minority partition) never lets two orchestrators lead. The stall
 * each loss costs is printed (docs/operations.md, "Running on a NATS cluster", quotes it).
 */
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { BUCKETS, STREAMS, subjects, topologyFromSettings, type Topology } from '@roost/contracts';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { connectNats, connectNatsPlatform, kvStreamName, type NatsClient } from '@roost/platform-nats';
import { createMemoryViewStore } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { targetedAgentIds } from '@roost/rollout';
import { eventually, sleep, startNatsCluster, testLogger, type TestNatsCluster } from '@roost/testing';
import type { CollectorAgent } from './collector-agent';
import { accepted, collectorYaml, RolloutTestBed } from './rollout-test-bed';

jest.setTimeout(240_000);

const R3: Topology = topologyFromSettings((name) => (name === 'NATS_REPLICAS' ? '3' : undefined));
const AGENTS = 8;
/** How long a killed node stays down before it is started again. */
const DOWN_MS = 5_000;
const PLAN = [
  { name: 'canary', count: 2, windowMs: 1_000 },
  { name: 'half', percent: 50, windowMs: 2_000 },
  { name: 'full', percent: 100 },
];
const TIMING = { applyTimeoutMs: 60_000, disconnectGraceMs: 60_000, healthGraceMs: 5_000 };

describe('Roost on a 3-node NATS JetStream cluster', () => {
  const startedAt = Date.now();
  let cluster: TestNatsCluster;
  let bed: RolloutTestBed<TestNatsCluster>;
  let admin: NatsClient;
  let jsm: JetStreamManager;
  /** For recovery probes: a short timeout, so a probe stuck on the dead node does not pad the figure. */
  let probeJsm: JetStreamManager;

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    bed = await RolloutTestBed.on(cluster, R3);
    admin = await connectNats({ url: cluster.url, name: 'cluster-test-admin' });
    jsm = await jetstreamManager(admin.nc, { timeout: 10_000 });
    probeJsm = await jetstreamManager(admin.nc, { timeout: 1_000 });
    await bed.startGateway('gw-cluster-1');
    await bed.startGateway('gw-cluster-2');
    await bed.startOrchestrator({ instanceId: 'orchestrator-a' });
    await eventually(() => bed.orchestrators[0]?.isLeader(), { timeoutMs: 30_000, what: 'orchestrator-a to lead' });
    await bed.startOrchestrator({ instanceId: 'orchestrator-b' });
  });

  /** Moments at which two of the bed's orchestrators led at once, sampled through every test. */
  const twoLeaders: number[] = [];
  const leaderSampler = setInterval(() => {
    if ((bed?.orchestrators.filter((orchestrator) => orchestrator.isLeader()).length ?? 0) > 1) twoLeaders.push(Date.now());
  }, 20);

  afterEach(async () => {
    expect(twoLeaders).toEqual([]);
    expect((await bed?.invariantViolations()) ?? []).toEqual([]);
  });

  afterAll(async () => {
    clearInterval(leaderSampler);
    await admin?.close();
    await bed?.stop();
    process.stdout.write(`nats-cluster suite: ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
  });

  it('keeps every stream and bucket in three copies, one on each node', async () => {
    const names = [...Object.values(STREAMS).map((s) => s.name), ...Object.values(BUCKETS).map((b) => kvStreamName(b.name))];
    for (const name of names) {
      const info = await jsm.streams.info(name);
      expect([name, info.config.num_replicas]).toEqual([name, 3]);
      const holders = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((peer) => peer.name)].sort();
      expect([name, holders]).toEqual([name, ['n1', 'n2', 'n3']]);
    }
  });

  it('completes a rollout while the node leading ROLLOUT_EVENTS is killed and restarted, with no event lost or written twice', async () => {
    await rolloutThroughNodeLoss('rollout-leader', async () => (await jsm.streams.info(STREAMS.rolloutEvents.name)).cluster?.leader);
  });

  it('completes a rollout while the JetStream meta leader is killed and restarted, with no event lost or written twice', async () => {
    await rolloutThroughNodeLoss('meta-leader', () => cluster.metaLeader());
  });

  it('completes a rollout run wholly while one node is down, and reports only what the agents run', async () => {
    const group = 'node-down';
    const { agents, next } = await groupOnBaseline(group);
    const down = cluster.nodes[2]!;
    await down.kill();
    try {
      // The cluster and every stream and bucket have a leader on the two nodes left before the rollout starts.
      const names = [...Object.values(STREAMS).map((stream) => stream.name), ...Object.values(BUCKETS).map((bucket) => kvStreamName(bucket.name))];
      await eventually(async () => (await cluster.metaLeader()) !== down.name, { timeoutMs: 30_000, what: `a meta leader other than ${down.name}` });
      await eventually(async () => (await Promise.all(names.map(async (name) => (await probeJsm.streams.info(name)).cluster?.leader))).every((leader) => leader !== undefined && leader !== down.name), {
        timeoutMs: 30_000,
        what: `every stream led by a node other than ${down.name}`,
      });
      // Losing the node may have cost the leader its lease: the standby leads within the lease TTL.
      await eventually(() => bed.orchestrators.some((orchestrator) => orchestrator.isLeader()), { timeoutMs: 30_000, what: 'an orchestrator to lead' });
      // Gateways whose presence refreshes failed while the cluster re-elected (over 15 s on a loaded
      // machine) count as gone, and their agents as disconnected, until a refresh lands again.
      const sinceKill = Date.now();
      await eventually(async () => ((await bed.request('group.cmd.preview', { target: { kind: 'group', group } })) as { result?: { connected: number } }).result?.connected === AGENTS, {
        timeoutMs: 30_000,
        what: `the leader to count the ${AGENTS} agents connected`,
      });
      process.stdout.write(`nats-cluster: with ${down.name} down, the leader counted every agent connected ${Date.now() - sinceKill} ms after it led\n`);
      const rolloutStartedAt = Date.now();
      const { rolloutId } = accepted(await bed.startRollout({ target: { kind: 'group', group }, configHash: next, plan: PLAN, timing: TIMING }));
      const done = await bed.waitForStatus(rolloutId, 'completed', 90_000);
      process.stdout.write(`nats-cluster: rollout with ${down.name} down throughout: completed ${Date.now() - rolloutStartedAt} ms after its start (its phase windows add up to 3000 ms)\n`);
    // A read may come from a copy a few ms behind the stream's leader: wait for the last event.
    await eventually(async () => (await bed.events(rolloutId)).at(-1)?.type === 'RolloutCompleted', { timeoutMs: 10_000, what: 'RolloutCompleted to be readable' });
      expect(done).toMatchObject({ applied: AGENTS, failed: 0 });
      await expectEveryAgentOn(rolloutId, agents, next);
    } finally {
      await down.restart();
      await cluster.healthy(60_000);
    }
  });

  it('lets no two orchestrators lead while the leader’s node is frozen (SIGSTOP), and after it thaws', async () => {
    await Promise.all(bed.orchestrators.map((orchestrator) => orchestrator.stop()));
    const frozen = cluster.nodes[0]!;
    const other = cluster.nodes[1]!;
    const first = await orchestratorOn(frozen.url, 'orchestrator-c');
    await eventually(() => first.orchestrator.isLeader(), { timeoutMs: 30_000, what: 'orchestrator-c to lead' });
    const second = await orchestratorOn(other.url, 'orchestrator-d');
    const both: number[] = [];
    const sampler = setInterval(() => {
      if (first.orchestrator.isLeader() && second.orchestrator.isLeader()) both.push(Date.now());
    }, 25);
    try {
      frozen.pause();
      const frozenAt = Date.now();
      await eventually(() => second.orchestrator.isLeader(), { timeoutMs: 60_000, intervalMs: 50, what: 'orchestrator-d to take over from the frozen side' });
      const takeoverMs = Date.now() - frozenAt;
      await sleep(3_000);
      frozen.resume();
      await cluster.healthy(60_000);
      await sleep(3_000);
      process.stdout.write(`nats-cluster: node ${frozen.name} frozen under the leader: standby led after ${takeoverMs} ms\n`);
      // The thaw may cost the cluster its leaders again (KV writes refused for seconds), and a
      // leader that cannot renew steps down: what must hold is that one leads again, alone.
      await eventually(() => [first, second].filter((side) => side.orchestrator.isLeader()).length === 1, { timeoutMs: 60_000, what: 'one orchestrator to lead after the thaw' });
      expect(both).toEqual([]);
      // The gateways' presence lapsed while their server was frozen; it is back with their next refresh.
      await eventually(
        async () => {
          const preview = (await bed.request('group.cmd.preview', { target: { kind: 'group', group: 'rollout-leader' } })) as { ok: boolean; result?: { connected: number } };
          return preview.result?.connected === AGENTS;
        },
        { timeoutMs: 20_000, what: `the new leader to see the ${AGENTS} agents connected again` },
      );
    } finally {
      clearInterval(sampler);
      frozen.resume();
      for (const side of [first, second]) {
        await side.orchestrator.stop();
        await side.platform.close();
      }
    }
  });

  async function orchestratorOn(url: string, instanceId: string): Promise<{ orchestrator: RunningOrchestrator; platform: Platform }> {
    const platform = await connectNatsPlatform({ url, views: createMemoryViewStore(), name: instanceId, ...R3, ...testLogger(instanceId) });
    return { orchestrator: await startOrchestrator({ instanceId, ...testLogger(instanceId) }, platform), platform };
  }

  /** A fresh group of agents on a baseline config, and the hash of the config to roll out to it. */
  async function groupOnBaseline(group: string): Promise<{ agents: CollectorAgent[]; next: string }> {
    const baseline = await bed.createConfig(collectorYaml('basic'), `${group}-baseline`);
    const next = await bed.createConfig(collectorYaml('detailed'), `${group}-next`);
    const agents = await bed.connectAgents(AGENTS, group, baseline);
    await bed.fleetHas(agents, group);
    return { agents, next };
  }

  /** Every agent was offered the new config once, runs it, and holds it as desired by this rollout. */
  async function expectEveryAgentOn(rolloutId: string, agents: readonly CollectorAgent[], next: string): Promise<void> {
    for (const agent of agents) {
      expect(agent.offeredHashes()).toEqual([next]);
      expect(agent.runningHash).toBe(next);
      expect(await bed.desired(agent.agentId)).toMatchObject({ configHash: next, rolloutId });
    }
  }

  /** A three-phase rollout of a fresh group; `victim` names the node to kill once phase 2 starts. */
  async function rolloutThroughNodeLoss(group: string, victim: () => Promise<string | undefined>): Promise<void> {
    const { agents, next } = await groupOnBaseline(group);
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group }, configHash: next, plan: PLAN, timing: TIMING }));
    const { rolloutId } = started;
    await eventually(async () => (await bed.events(rolloutId)).some((event) => event.type === 'PhaseStarted' && event.phase === 1), {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: 'the second phase to start',
    });

    const name = await eventually(victim, { timeoutMs: 20_000, what: 'the node to kill' });
    const node = cluster.node(name);
    await node.kill();
    const killedAt = Date.now();
    const [streamLeaderMs, metaLeaderMs, kvWriteMs] = await Promise.all([
      msUntil(killedAt, async () => {
        const leader = (await probeJsm.streams.info(STREAMS.rolloutEvents.name)).cluster?.leader;
        return leader !== undefined && leader !== name;
      }),
      msUntil(killedAt, async () => (await cluster.metaLeader()) !== name),
      msUntil(killedAt, async () => {
        const leases = await bed.client.kv.open(BUCKETS.leases.name);
        return within(1_000, leases.put('cluster-test-probe', new TextEncoder().encode(String(Date.now()))));
      }),
    ]);
    await sleep(Math.max(0, DOWN_MS - (Date.now() - killedAt)));
    const restartedAt = Date.now();
    await node.restart();
    await cluster.healthy(60_000);
    const backMs = Date.now() - restartedAt;

    const done = await bed.waitForStatus(rolloutId, 'completed', 90_000);
    // A read may come from a copy a few ms behind the stream's leader: wait for the last event.
    await eventually(async () => (await bed.events(rolloutId)).at(-1)?.type === 'RolloutCompleted', { timeoutMs: 10_000, what: 'RolloutCompleted to be readable' });
    const completedMs = Date.now() - killedAt;
    const stored = await bed.client.events.read(subjects.rolloutEvents(rolloutId));
    const firstAfterKill = stored.find((event) => event.storedAt >= killedAt);
    const longestGapMs = Math.max(...stored.slice(1).map((event, index) => event.storedAt - stored[index]!.storedAt));
    process.stdout.write(
      `nats-cluster: killed ${name} (${group}): new ROLLOUT_EVENTS leader seen after ${streamLeaderMs} ms, meta leader after ${metaLeaderMs} ms, ` +
        `first KV write after ${kvWriteMs} ms, first rollout event stored after ${firstAfterKill ? firstAfterKill.storedAt - killedAt : 'none'} ms ` +
        `(longest gap between the rollout's events ${longestGapMs} ms); restarted after ${DOWN_MS} ms, the node rejoined and the cluster was healthy ${backMs} ms later; ` +
        `rollout completed ${completedMs} ms after the kill\n`,
    );
    if (done.applied !== AGENTS) {
      // What the rollout recorded, to tell a lost report from a wrong decision.
      process.stdout.write(`nats-cluster: ${JSON.stringify(done)}\n${(await bed.events(rolloutId)).map((event) => JSON.stringify(event)).join('\n')}\n`);
    }
    expect(done).toMatchObject({ applied: AGENTS, failed: 0 });
    const events = await bed.events(rolloutId);
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => `${rolloutId}/${index + 1}`));
    expect(events.filter((event) => event.type === 'PhaseStarted').map((event) => (event.type === 'PhaseStarted' ? event.phase : -1))).toEqual([0, 1, 2]);
    const targeted = targetedAgentIds(events);
    expect(new Set(targeted).size).toBe(AGENTS);
    expect(targeted).toHaveLength(AGENTS);
    await expectEveryAgentOn(rolloutId, agents, next);
    expect(bed.orchestrators.filter((orchestrator) => orchestrator.isLeader())).toHaveLength(1);
    const leases = await bed.client.kv.open(BUCKETS.leases.name);
    expect(await within(5_000, leases.put('cluster-test-probe', new TextEncoder().encode('after')))).toBe(true);
    // Nothing stored after the end (a publish that timed out during the election and landed late would show here).
    expect((await bed.events(rolloutId)).slice(events.length)).toEqual([]);
    expect(events.at(-1)?.type).toBe('RolloutCompleted');
  }
});

/** True when `work` settles within `ms`, false when it is still pending then. */
async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  work.catch(() => undefined);
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Milliseconds from `since` until `probe` first holds (probes that throw count as not yet). */
async function msUntil(since: number, probe: () => Promise<boolean>): Promise<number> {
  await eventually(probe, { timeoutMs: 60_000, intervalMs: 50, what: 'the cluster to recover' });
  return Date.now() - since;
}
