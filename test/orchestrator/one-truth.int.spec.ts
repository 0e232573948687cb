/**
 * One truth per agent (issue 14), end to end on a real nats-server with a gateway, the
 * orchestrator and OpAMP agents over WebSocket: no config reaches an agent outside a rollout,
 * a rollout's record goes on after its decision, an operator's new rollout is a real retry, and
 * the running invariant checker counts what breaks the rules. The agents are CollectorAgent
 * (test/orchestrator/collector-agent.ts): they refuse a config marked FAIL_MARKER with FAILED
 * and keep running the one they had, as a collector whose new config does not start would.
 */
import { BUCKETS, desiredConfigContract } from '@roost/contracts';
import type { RunningOrchestrator } from '@roost/orchestrator';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, kvStreamName } from '@roost/platform-nats';
import { INVARIANT_RULES } from '@roost/rollout';
import { eventually, sleep } from '@roost/testing';
import { CollectorAgent, FAIL_MARKER } from './collector-agent';
import { accepted, collectorYaml, RolloutTestBed, violationCounts } from './rollout-test-bed';

jest.setTimeout(90_000);

const LONG = 10 * 60_000;
const RETAIN_MS = 300;

const NONE = Object.fromEntries(INVARIANT_RULES.map((rule) => [rule, 0]));

describe('one truth per agent', () => {
  let bed: RolloutTestBed;
  let orchestrator: RunningOrchestrator;
  let baseline: string;
  let bad: string;
  let group = 0;

  /** A fresh group of connected agents, all running the baseline. */
  const fleet = async (count: number): Promise<{ name: string; agents: CollectorAgent[] }> => {
    const name = `truth-${++group}`;
    const agents = await bed.connectAgents(count, name, baseline);
    await bed.fleetHas(agents, name);
    return { name, agents };
  };

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    // The gateway forgets a disconnected agent after RETAIN_MS (10 minutes by default).
    await bed.startGateway('gw-truth', { retainDisconnectedMs: RETAIN_MS });
    orchestrator = await bed.startOrchestrator({ instanceId: 'orchestrator-truth', invariantCheckMs: 200 });
    await eventually(() => orchestrator.isLeader(), { timeoutMs: 10_000, what: 'the orchestrator to lead' });
    baseline = await bed.createConfig(collectorYaml('basic'), 'truth-baseline');
    bad = await bed.createConfig(collectorYaml('detailed', { marker: FAIL_MARKER }), 'truth-bad');
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it("never delivers an aborted rollout's config to an agent that comes back after the gateway forgot it (defect B)", async () => {
    const { name, agents } = await fleet(4);
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: bad, threshold: 1, plan: [{ count: 2, windowMs: LONG }, { percent: 100 }] }));
    await eventually(async () => (await bed.status(started.rolloutId)).failed === 2, { what: 'both canaries to report FAILED' });
    const canaries = agents.filter((agent) => agent.offeredHashes().includes(bad));
    expect(canaries).toHaveLength(2);

    expect(accepted(await bed.act('abort', started.rolloutId))).toMatchObject({ status: 'aborted', pending: 0 });
    // Released: back on the config each ran, never the one it failed to run.
    for (const canary of canaries) {
      await eventually(async () => (await bed.desired(canary.agentId))?.configHash === baseline, { what: `the desired config of ${canary.agentId} to be its own again` });
    }

    const [returning] = canaries as [CollectorAgent, CollectorAgent];
    await returning.drop();
    await sleep(RETAIN_MS + 2_500);
    const back = await CollectorAgent.connect(bed.gateways[0]!.url, { environment: name, agentId: returning.agentId, runningHash: baseline });
    bed.agents.push(back);
    await sleep(1_500);
    expect(back.offeredHashes()).not.toContain(bad);
    expect(back.runningHash).toBe(baseline);

    expect(await violationCounts(orchestrator)).toEqual(NONE);
  });

  it('records a canary FAILED that arrives after the fail-early decision, and each revert of the rollback (defect C)', async () => {
    const { name, agents } = await fleet(4);
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: bad, threshold: 0, plan: [{ count: 2, windowMs: LONG }, { percent: 100 }] }));
    await bed.waitForStatus(started.rolloutId, 'rolled_back');
    const canaries = agents.filter((agent) => agent.offeredHashes().includes(bad));
    expect(canaries).toHaveLength(2);

    await eventually(async () => (await bed.events(started.rolloutId)).filter((event) => event.type === 'AgentRevertApplied').length === 2, {
      what: 'both reverts to be recorded as applied',
    });
    expect(await bed.status(started.rolloutId)).toMatchObject({ status: 'rolled_back', failed: 2, pending: 0 });
    for (const canary of canaries) expect(canary.runningHash).toBe(baseline);
    expect(await violationCounts(orchestrator)).toEqual(NONE);
  });

  it("re-offers a config the agents once reported FAILED when an operator's new rollout assigns it again (defect A)", async () => {
    const { name, agents } = await fleet(2);
    const first = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: bad, threshold: 1, plan: [{ percent: 100, windowMs: LONG }] }));
    await eventually(async () => (await bed.status(first.rolloutId)).failed === 2, { what: 'both agents to report FAILED' });
    accepted(await bed.act('abort', first.rolloutId));
    await eventually(() => agents.every((agent) => agent.offeredHashes().join() === [bad, baseline].join()), { what: 'both agents to be put back on the baseline' });

    // The cause is fixed (a port freed, a file provided); the operator starts the same config again.
    for (const agent of agents) agent.refuseMarked = false;
    const retry = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: bad, plan: [{ percent: 100, windowMs: 500 }] }));
    expect(retry.targeted).toBe(2);
    await bed.waitForStatus(retry.rolloutId, 'completed');
    for (const agent of agents) {
      expect(agent.offeredHashes()).toEqual([bad, baseline, bad]);
      expect(agent.runningHash).toBe(bad);
    }
    expect(await violationCounts(orchestrator)).toEqual(NONE);
  });

  it('delivers every assignment once agent-desired takes writes again after refusing them for a while', async () => {
    const { name, agents } = await fleet(3);
    const next = await bed.createConfig(collectorYaml('detailed'), 'truth-next');
    const stream = kvStreamName(BUCKETS.agentDesired.name);
    const admin = await connectNats({ url: bed.nats.url, name: 'truth-kv-outage' });
    try {
      const jsm = await jetstreamManager(admin.nc);
      const { config } = await jsm.streams.info(stream);
      // A real refusal by the server: every entry is now larger than the bucket accepts.
      await jsm.streams.update(stream, { ...config, max_msg_size: 1 });
      const started = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: next, plan: [{ percent: 100, windowMs: 500 }] }));
      await sleep(2_000);
      expect(agents.flatMap((agent) => agent.offeredHashes())).toEqual([]);
      await jsm.streams.update(stream, config);
      await bed.waitForStatus(started.rolloutId, 'completed', 30_000);
      for (const agent of agents) {
        expect(agent.offeredHashes()).toEqual([next]);
        expect(agent.runningHash).toBe(next);
      }
      expect(await violationCounts(orchestrator)).toEqual(NONE);
    } finally {
      await admin.close();
    }
  });

  it("counts an aborted rollout's config written into agent-desired by hand as a config outside any rollout", async () => {
    const { name, agents } = await fleet(2);
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: bad, threshold: 1, plan: [{ percent: 100, windowMs: LONG }] }));
    await eventually(async () => (await bed.status(started.rolloutId)).failed === 2, { what: 'both agents to report FAILED' });
    accepted(await bed.act('abort', started.rolloutId));
    await sleep(500);
    expect(await violationCounts(orchestrator)).toEqual(NONE);

    const bucket = await bed.client.kv.open(BUCKETS.agentDesired.name);
    await bucket.put(agents[0]!.agentId, desiredConfigContract.encode({ configHash: bad, rolloutId: started.rolloutId, setAt: Date.now() }));

    await eventually(async () => (await violationCounts(orchestrator)).config_outside_rollout === 1, { timeoutMs: 10_000, what: 'the invariant checker to count the violation' });
    expect(orchestrator.checkInvariants()).toEqual([
      expect.objectContaining({ rule: 'config_outside_rollout', agentId: agents[0]!.agentId, rolloutId: started.rolloutId }),
    ]);
  });
});
