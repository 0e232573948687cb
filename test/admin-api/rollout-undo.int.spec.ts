/**
 * Undo (issue 17, item 5) on real NATS and Redis through the admin API (HTTP and gRPC): agents
 * that came from different configs (one region on config A, the other on B) are rolled to C;
 * the undo of that rollout returns each agent to its own previous config, through the same
 * phases, except the one agent another rollout reached since (superseded). Both views show
 * the link; an undo of the undo on the fast path takes them to C again.
 */
import { eventually } from '@roost/testing';
import { AdminApiTestBed, collectorYaml, TEST_TIMING, unary } from './admin-api-test-bed';
import { documented } from './documented';

jest.setTimeout(120_000);

const GROUP = 'undo-prod';
const TWO_PHASES = [
  { name: 'half', percent: 50, windowMs: 0 },
  { name: 'all', percent: 100, windowMs: 0 },
];

interface AgentRow {
  agentId: string;
  nonIdentifying: Record<string, string>;
  currentConfigHash: string;
  desired: { configHash: string | null; rolloutId: string } | null;
}

describe('undo of an ended rollout', () => {
  let bed: AdminApiTestBed;
  const hashes: Record<string, string> = {};
  let supersededAgent = '';

  async function completed(body: Record<string, unknown>): Promise<string> {
    const started = documented(await bed.http('POST', '/api/v1/rollouts', { body: { timing: TEST_TIMING, plan: [{ percent: 100, windowMs: 0 }], ...body } }), 201, 'rollout.start');
    await until(started.rolloutId, 'completed');
    return started.configHash;
  }

  async function until(rolloutId: string, status: string): Promise<void> {
    await eventually(async () => (await bed.http('GET', `/api/v1/rollouts/${rolloutId}`)).body?.status === status, { timeoutMs: 30_000, what: `rollout ${rolloutId} ${status}` });
  }

  async function agents(): Promise<AgentRow[]> {
    return (await bed.http('GET', `/api/v1/agents?group=${GROUP}&limit=100`)).body.items;
  }

  beforeAll(async () => {
    bed = await AdminApiTestBed.start();
    await bed.fleet({ agents: 12, environments: GROUP, regions: 'eu-west-1,us-east-1', seed: 'undo' });
    const region = (name: string) => ({ selector: `service.environment=${GROUP},cloud.region=${name}` });
    hashes.a = await completed({ target: region('eu-west-1'), configYaml: collectorYaml('basic'), configName: 'undo-a', acceptKeepNewOnFailure: true, rolloutId: 'undo-a' });
    hashes.b = await completed({ target: region('us-east-1'), configYaml: collectorYaml('normal'), configName: 'undo-b', acceptKeepNewOnFailure: true, rolloutId: 'undo-b' });
    hashes.c = await completed({ target: { group: GROUP }, configYaml: collectorYaml('detailed'), configName: 'undo-c', plan: TWO_PHASES, rolloutId: 'undo-c' });
    // Another rollout reaches one agent after undo-c: its config changed since.
    supersededAgent = (await agents())[0]!.agentId;
    hashes.d = await completed({ target: { selector: `service.instance.id=${supersededAgent}` }, configYaml: collectorYaml('detailed', { marker: '# one agent only' }), configName: 'undo-d', rolloutId: 'undo-d' });
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('returns each agent to the config it ran before, through the same phases, and skips the superseded one', async () => {
    const summary = documented(await bed.http('POST', '/api/v1/rollouts/undo-c/undo', { body: { undoRolloutId: 'undo-c-undo' } }), 201, 'rollout.undo');
    expect(summary).toMatchObject({ rolloutId: 'undo-c-undo', undoOf: 'undo-c', members: 11, skipped: 1, skippedBy: { superseded: 1 } });
    await until('undo-c-undo', 'completed');
    await bed.orchestrator.idle();
    expect(bed.orchestrator.checkInvariants()).toEqual([]);

    for (const agent of await agents()) {
      const wanted = agent.agentId === supersededAgent ? hashes.d : agent.nonIdentifying['cloud.region'] === 'eu-west-1' ? hashes.a : hashes.b;
      expect([agent.agentId, agent.currentConfigHash]).toEqual([agent.agentId, wanted]);
      if (agent.agentId !== supersededAgent) expect(agent.desired).toMatchObject({ configHash: wanted, rolloutId: 'undo-c-undo' });
    }

    const undo = documented(await bed.http('GET', '/api/v1/rollouts/undo-c-undo'), 200, 'rollout.get');
    expect(undo).toMatchObject({ undoOf: 'undo-c', undoneBy: null, skippedBy: { superseded: 1 }, counts: { applied: 11, skipped: 1 } });
    expect(undo.plan.map((phase: { name: string }) => phase.name)).toEqual(['half', 'all']);
    const undone = documented(await bed.http('GET', '/api/v1/rollouts/undo-c'), 200, 'rollout.get');
    expect(undone).toMatchObject({ undoOf: null, undoneBy: 'undo-c-undo' });

    const skipped = documented(await bed.http('GET', '/api/v1/rollouts/undo-c-undo/agents?state=skipped'), 200, 'rollout.agents');
    expect(skipped.items).toEqual([expect.objectContaining({ agentId: supersededAgent, skip: expect.objectContaining({ reason: 'superseded' }) })]);
    const applied = documented(await bed.http('GET', '/api/v1/rollouts/undo-c-undo/agents?state=applied&limit=100'), 200, 'rollout.agents');
    expect(new Set(applied.items.map((agent: { configHash: string }) => agent.configHash))).toEqual(new Set([hashes.a, hashes.b]));
  });

  it('undoes the undo over gRPC on the fast path: one phase, every agent back on C', async () => {
    const rollouts = bed.grpcClient('RolloutService');
    const answer = await unary(rollouts, 'UndoRollout', { rollout_id: 'undo-c-undo', undo_rollout_id: 'undo-twice', fast: true });
    if (!answer.ok) throw new Error(`UndoRollout failed: ${answer.error.details}`);
    expect(answer.value.rollout).toMatchObject({ rollout_id: 'undo-twice', undo_of: 'undo-c-undo', members: 11 });
    await until('undo-twice', 'completed');
    await bed.orchestrator.idle();
    expect(bed.orchestrator.checkInvariants()).toEqual([]);

    const read = await unary(rollouts, 'GetRollout', { rollout_id: 'undo-twice' });
    if (!read.ok) throw new Error(`GetRollout failed: ${read.error.details}`);
    expect(read.value.rollout).toMatchObject({ undo_of: 'undo-c-undo', phases: [expect.objectContaining({ name: 'undo' })] });
    const first = await unary(rollouts, 'GetRollout', { rollout_id: 'undo-c-undo' });
    expect(first.ok && first.value.rollout.undone_by).toBe('undo-twice');
    for (const agent of await agents()) expect([agent.agentId, agent.currentConfigHash]).toEqual([agent.agentId, agent.agentId === supersededAgent ? hashes.d : hashes.c]);

    const refused = await unary(rollouts, 'UndoRollout', { rollout_id: 'no-such-rollout' });
    expect(refused.ok ? null : refused.error.roostCode).toBe('rollout.not_found');
  });

  it('refuses an undo with nothing left to undo (every agent moved on since), and one of an active rollout, naming why', async () => {
    const again = await bed.http('POST', '/api/v1/rollouts/undo-c/undo', { body: {} });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ code: 'target.no_eligible_agents', message: 'nothing to undo in rollout undo-c: none of its 12 agents can go back now: 12 changed config since the undone rollout (superseded)' });

    documented(await bed.http('POST', '/api/v1/rollouts', { body: { target: { group: GROUP }, configVersion: 'undo-a', plan: [{ percent: 50, windowMs: 600_000 }, { percent: 100 }], timing: TEST_TIMING, rolloutId: 'undo-active' } }), 201, 'rollout.start');
    const active = await bed.http('POST', '/api/v1/rollouts/undo-active/undo', { body: {} });
    expect(active.status).toBe(409);
    expect(active.body.error.code).toBe('undo.rollout_active');
    documented(await bed.http('POST', '/api/v1/rollouts/undo-active/abort', { body: {} }), 200, 'rollout.abort');
    await until('undo-active', 'aborted');
  });
});
