/**
 * The dry run (issue 17, item 4) on real NATS and Redis through the admin API (HTTP and gRPC):
 * the forecast of a start against the live fleet, then the start itself right after — its first
 * phase targets exactly the forecast's agents, because both are decided by the same functions.
 */
import { AdminApiTestBed, collectorYaml, TEST_TIMING, unary } from './admin-api-test-bed';
import { documented } from './documented';

jest.setTimeout(90_000);

describe('planning a rollout (dry run)', () => {
  let bed: AdminApiTestBed;

  beforeAll(async () => {
    bed = await AdminApiTestBed.start();
    await bed.fleet({ agents: 30, environments: 'plan-prod', regions: 'eu-west-1,us-east-1,ap-south-1', seed: 'plan' });
  });

  afterAll(async () => {
    await bed?.stop();
  });

  const body = {
    target: { group: 'plan-prod' },
    configYaml: collectorYaml('detailed'),
    acceptKeepNewOnFailure: true,
    stratifyBy: 'cloud.region',
    plan: [{ name: 'canary', percent: 10, windowMs: 60_000 }, { name: 'half', percent: 50, windowMs: 60_000 }, { name: 'all', percent: 100 }],
    timing: TEST_TIMING,
    rolloutId: 'plan-1',
  };

  it('forecasts each phase with its strata and samples, stores nothing, and a start right after targets the forecast canaries', async () => {
    const forecast = documented(await bed.http('POST', '/api/v1/rollouts:plan', { body }), 200, 'rollout.plan');
    expect(forecast).toMatchObject({ rolloutId: 'plan-1', target: 'group plan-prod', matched: 30, members: 30, skipped: {}, earliestMs: 120_000 });
    expect(forecast.phases.map((p: { name: string; cumulative: number }) => [p.name, p.cumulative])).toEqual([['canary', 3], ['half', 15], ['all', 30]]);
    expect(Object.keys(forecast.phases[0].byStratum).sort()).toEqual(['ap-south-1', 'eu-west-1', 'us-east-1']);
    expect(forecast.firstPhaseAgents).toHaveLength(3);
    expect((await bed.http('GET', '/api/v1/rollouts')).body.total).toBe(0);
    expect((await bed.http('GET', '/api/v1/configs')).body.total).toBe(0);

    documented(await bed.http('POST', '/api/v1/rollouts', { body }), 201, 'rollout.start');
    const agents = documented(await bed.http('GET', '/api/v1/rollouts/plan-1/agents?limit=100'), 200, 'rollout.agents');
    const firstPhase = agents.items.filter((agent: { phase: number | null }) => agent.phase === 0).map((agent: { agentId: string }) => agent.agentId);
    expect(firstPhase.sort()).toEqual([...forecast.firstPhaseAgents].sort());
    documented(await bed.http('POST', '/api/v1/rollouts/plan-1/abort', { body: {} }), 200, 'rollout.abort');
  });

  it('refuses a plan as the start would: a group no agent belongs to is a 422 naming the closest', async () => {
    const answer = await bed.http('POST', '/api/v1/rollouts:plan', { body: { ...body, target: { group: 'plan-prd' }, rolloutId: 'plan-2' } });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: 'target.no_eligible_agents', details: { closestGroups: ['plan-prod'] } });
  });

  it('answers the same forecast over gRPC (PlanRollout)', async () => {
    // A config no agent has run yet, so what plan-1 left behind (its canaries, aborted) does not matter.
    const fresh = { ...body, configYaml: collectorYaml('normal'), rolloutId: 'plan-3' };
    const http = documented(await bed.http('POST', '/api/v1/rollouts:plan', { body: fresh }), 200, 'rollout.plan');
    const answer = await unary(bed.grpcClient('RolloutService'), 'PlanRollout', {
      rollout: { target: { group: 'plan-prod' }, config_yaml: fresh.configYaml, accept_keep_new_on_failure: true, stratify_by: 'cloud.region', rollout_id: 'plan-3', plan: body.plan.map((p) => ({ name: p.name, percent: p.percent, window: p.windowMs === undefined ? undefined : { seconds: p.windowMs / 1000 } })) },
    });
    if (!answer.ok) throw new Error(`PlanRollout failed: ${answer.error.details}`);
    const grpc = answer.value;
    expect(grpc.forecast).toMatchObject({ rollout_id: 'plan-3', matched: 30, members: 30 });
    expect(grpc.forecast.first_phase_agents).toEqual(http.firstPhaseAgents);
    expect(grpc.forecast.phases.map((p: { cumulative: number }) => p.cumulative)).toEqual([3, 15, 30]);
    expect(http.phases.map((p: { cumulative: number }) => p.cumulative)).toEqual([3, 15, 30]);
  });
});
