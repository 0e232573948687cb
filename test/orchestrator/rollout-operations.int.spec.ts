/**
 * Operator actions and fleet changes during rollouts, end to end (real NATS, gateway, OpAMP
 * agents over WebSocket, orchestrator).
 */
import { sleep, eventually } from '@roost/testing';
import type { CollectorAgent } from './collector-agent';
import { accepted, collectorYaml, RolloutTestBed } from './rollout-test-bed';
import { verifyRoostWebhook } from '../support/webhook-verify';

jest.setTimeout(60_000);

const LONG = 10 * 60_000;
const WEBHOOK_SECRET = 'whsec-ops';

describe('operating rollouts', () => {
  let bed: RolloutTestBed;
  let baseline: string;
  let next: string;
  let group = 0;

  /** A fresh group of connected agents, all running the baseline. */
  const fleet = async (count: number): Promise<{ name: string; agents: CollectorAgent[] }> => {
    const name = `ops-${++group}`;
    const agents = await bed.connectAgents(count, name, baseline);
    await bed.fleetHas(agents, name);
    return { name, agents };
  };
  const offeredNew = (agents: readonly CollectorAgent[]): CollectorAgent[] => agents.filter((agent) => agent.offeredHashes().includes(next));

  beforeAll(async () => {
    bed = await RolloutTestBed.start();
    await bed.startGateway('gw-ops');
    await bed.startOrchestrator({ instanceId: 'orchestrator-ops', webhooks: [{ url: bed.webhookUrl, secret: WEBHOOK_SECRET }] });
    await eventually(() => bed.orchestrators[0]?.isLeader(), { timeoutMs: 10_000, what: 'the orchestrator to lead' });
    baseline = await bed.createConfig(collectorYaml('basic'), 'ops-baseline');
    next = await bed.createConfig(collectorYaml('detailed'), 'ops-next');
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('pauses: the next phase waits while paused, and goes on once resumed', async () => {
    const { name, agents } = await fleet(6);
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: next, plan: [{ count: 1, windowMs: 500 }, { percent: 100 }] }));
    expect(accepted(await bed.act('pause', started.rolloutId))).toMatchObject({ status: 'paused', pausedBy: 'operator' });
    await sleep(1_200);
    expect(await bed.status(started.rolloutId)).toMatchObject({ status: 'paused', targeted: 1 });
    expect(offeredNew(agents)).toHaveLength(1);

    expect(accepted(await bed.act('resume', started.rolloutId)).status).not.toBe('paused');
    await bed.waitForStatus(started.rolloutId, 'completed');
    expect(offeredNew(agents)).toHaveLength(6);
    await eventually(() => bed.webhookCalls.some((call) => call.rolloutId === started.rolloutId && call.kind === 'paused'));
  });

  it('promotes: ends a long window early and the rollout completes', async () => {
    const { name, agents } = await fleet(5);
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: next, plan: [{ count: 1, windowMs: LONG }, { percent: 100 }] }));
    await eventually(async () => (await bed.status(started.rolloutId)).applied === 1, { what: 'the canary to apply' });
    expect(offeredNew(agents)).toHaveLength(1);
    accepted(await bed.act('promote', started.rolloutId));
    await bed.waitForStatus(started.rolloutId, 'completed');
    expect(agents.every((agent) => agent.runningHash === next)).toBe(true);
  });

  it('tells the webhook, signed, once, when a phase awaits approval; promoting it goes on', async () => {
    const { name, agents } = await fleet(4);
    const plan = [{ name: 'canary', count: 1, windowMs: 300, requireApproval: true }, { percent: 100 }];
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: next, plan }));
    const calls = () => bed.webhookCalls.filter((call) => call.rolloutId === started.rolloutId);
    const awaiting = await eventually(() => calls().find((call) => call.kind === 'awaiting_approval'), { timeoutMs: 10_000, what: 'the awaiting_approval webhook' });
    expect(awaiting.text).toBe(`Roost: rollout ${started.rolloutId}: phase canary passed its gate (1 of 1 agents applied, 0 failed, 0 allowed) and awaits approval; promote to continue, or roll back or abort`);
    expect(JSON.parse(awaiting.delivery.raw)).toMatchObject({ rollout: { status: 'in_progress', awaitingApproval: true, applied: 1 } });
    expect(verifyRoostWebhook(WEBHOOK_SECRET, awaiting.delivery.headers, awaiting.delivery.raw)).toBe(true);
    expect(verifyRoostWebhook('another-secret', awaiting.delivery.headers, awaiting.delivery.raw)).toBe(false);
    await sleep(1_000);
    expect(offeredNew(agents)).toHaveLength(1);

    accepted(await bed.act('promote', started.rolloutId));
    await bed.waitForStatus(started.rolloutId, 'completed');
    await eventually(() => calls().some((call) => call.kind === 'completed'), { what: 'the completed webhook' });
    expect(calls().map((call) => call.kind)).toEqual(['awaiting_approval', 'completed']);
    expect(calls().every((call) => verifyRoostWebhook(WEBHOOK_SECRET, call.delivery.headers, call.delivery.raw))).toBe(true);
  });

  it('aborts: stops where it is and every agent that applied the config keeps it', async () => {
    const { name, agents } = await fleet(6);
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: next, plan: [{ count: 2, windowMs: LONG }, { percent: 100 }] }));
    await eventually(async () => (await bed.status(started.rolloutId)).applied === 2, { what: 'the canaries to apply' });
    expect(accepted(await bed.act('abort', started.rolloutId)).status).toBe('aborted');
    await sleep(300);
    const canaries = offeredNew(agents);
    expect(canaries).toHaveLength(2);
    for (const agent of agents) expect(agent.runningHash).toBe(canaries.includes(agent) ? next : baseline);
    for (const agent of canaries) expect(await bed.desired(agent.agentId)).toMatchObject({ configHash: next });
    expect(bed.orchestrators[0]?.activeRollouts()).not.toContain(started.rolloutId);
  });

  it('rolls back fast on command: every touched agent returns to its previous config now', async () => {
    const { name, agents } = await fleet(8);
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: next, plan: [{ percent: 50, windowMs: LONG }, { percent: 100 }] }));
    await eventually(async () => (await bed.status(started.rolloutId)).applied === 4, { what: 'half the agents to apply' });
    expect(accepted(await bed.act('rollback', started.rolloutId)).status).toBe('rolled_back');
    const touched = offeredNew(agents);
    expect(touched).toHaveLength(4);
    await eventually(() => touched.every((agent) => agent.runningHash === baseline), { what: 'the touched agents to run the baseline again' });
    for (const agent of touched) expect(agent.offeredHashes()).toEqual([next, baseline]);
    for (const agent of agents.filter((a) => !touched.includes(a))) expect(agent.offers).toEqual([]);
  });

  it('gives a late joiner the config its cohort position implies', async () => {
    const { name, agents } = await fleet(4);
    const started = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: next, plan: [{ percent: 100, windowMs: 1_500 }] }));
    const [joiner] = await bed.connectAgents(1, name, baseline);
    await eventually(() => joiner!.runningHash === next, { what: 'the late joiner to get the new config' });
    const done = await bed.waitForStatus(started.rolloutId, 'completed');
    expect(done).toMatchObject({ members: 5, applied: 5 });
    const targeted = (await bed.events(started.rolloutId)).filter((event) => event.type === 'AgentsTargeted' && event.agents.some((agent) => agent.agentId === joiner!.agentId));
    expect(targeted).toEqual([expect.objectContaining({ late: true, agents: [expect.objectContaining({ agentId: joiner!.agentId })] })]);
    expect(agents.every((agent) => agent.runningHash === next)).toBe(true);
  });

  it('does not let an agent that disconnects mid-phase block the rollout (excluded after the grace period)', async () => {
    const { name, agents } = await fleet(6);
    const started = accepted(
      // The window outlasts the disconnect grace (1 s) by seconds: the drop must land mid-phase
      // even on a slow machine, where applying and noticing it take a while.
      await bed.startRollout({ target: { kind: 'group', group: name }, configHash: next, plan: [{ percent: 100, windowMs: 4_000 }], disconnectedPolicy: 'exclude' }),
    );
    await eventually(() => agents.every((agent) => agent.runningHash === next), { what: 'every agent to apply' });
    await agents[0]!.drop();
    const done = await bed.waitForStatus(started.rolloutId, 'completed');
    expect(done).toMatchObject({ applied: 5, excluded: 1, failed: 0 });
    const types = (await bed.events(started.rolloutId)).filter((event) => 'agentId' in event && event.agentId === agents[0]!.agentId).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['AgentConnectionLost', 'AgentExcluded']));
  });

  it('refuses a rollout whose target overlaps an active one, naming it', async () => {
    const { name } = await fleet(3);
    const first = accepted(await bed.startRollout({ target: { kind: 'group', group: name }, configHash: next, plan: [{ count: 1, windowMs: LONG }, { percent: 100 }] }));
    const second = await bed.startRollout({ target: { kind: 'selector', selector: `service.environment=${name}` }, configHash: next });
    expect(second).toMatchObject({ ok: false, error: { code: 'target.overlaps_active_rollout', details: { rolloutIds: [first.rolloutId] } } });
    expect(second.ok ? '' : second.error.message).toContain(first.rolloutId);
    accepted(await bed.act('abort', first.rolloutId));
  });
});
