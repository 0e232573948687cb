/**
 * The blast-radius forecast of missing components (issue 17, item 4) on real NATS and Redis:
 * simulated collectors report their AvailableComponents over OpAMP (the hash first, the list
 * when the gateway asks for it); a third of them lack the batch processor the new config uses.
 * The plan names them; a start leaves them out by default, or is refused under policy refuse.
 */
import { eventually } from '@roost/testing';
import { AdminApiTestBed, TEST_TIMING, unary } from './admin-api-test-bed';
import { documented } from './documented';

jest.setTimeout(90_000);

const GROUP = 'comp-prod';
const BASE = ['receivers/otlp', 'exporters/debug', 'exporters/otlp'];
const WITH_BATCH = [...BASE, 'processors/batch'];
const BATCHED_YAML = [
  'receivers:',
  '  otlp:',
  '    protocols:',
  '      grpc: {}',
  'processors:',
  '  batch/fast:',
  '    timeout: 1s',
  'exporters:',
  '  debug: {}',
  'service:',
  '  pipelines:',
  '    traces:',
  '      receivers: [otlp]',
  '      processors: [batch/fast]',
  '      exporters: [debug]',
  '',
].join('\n');

describe('agents lacking a component the new config uses', () => {
  let bed: AdminApiTestBed;
  let lacking: string[];

  beforeAll(async () => {
    bed = await AdminApiTestBed.start();
    await bed.fleet({ agents: 8, environments: GROUP, seed: 'comp-full', components: WITH_BATCH });
    const slim = await bed.fleet({ agents: 4, environments: GROUP, seed: 'comp-slim', components: BASE });
    lacking = slim.agents.map((agent) => agent.id).sort();
  });

  afterAll(async () => {
    await bed?.stop();
  });

  const body = { target: { group: GROUP }, configYaml: BATCHED_YAML, configName: 'batched', acceptKeepNewOnFailure: true, timing: TEST_TIMING, plan: [{ percent: 50, windowMs: 600_000 }, { percent: 100 }] };

  it('names them in the plan, per component, once every agent has reported its list', async () => {
    const forecast = await eventually(
      async () => {
        const answer = documented(await bed.http('POST', '/api/v1/rollouts:plan', { body: { ...body, rolloutId: 'comp-plan' } }), 200, 'rollout.plan');
        return answer.missingComponents.unreported === 0 && answer;
      },
      { timeoutMs: 15_000, what: 'every agent to report its AvailableComponents' },
    );
    expect(forecast.missingComponents).toMatchObject({ policy: 'exclude', required: ['exporters/debug', 'processors/batch', 'receivers/otlp'], agents: 4, byComponent: { 'processors/batch': 4 } });
    expect(forecast.missingComponents.sample.map((agent: { agentId: string }) => agent.agentId).sort()).toEqual(lacking);
    expect(forecast).toMatchObject({ matched: 12, members: 8, skipped: { missing_components: 4 } });
    for (const agentId of lacking) expect(forecast.firstPhaseAgents).not.toContain(agentId);

    const grpc = await unary(bed.grpcClient('RolloutService'), 'PlanRollout', {
      rollout: { target: { group: GROUP }, config_yaml: BATCHED_YAML, accept_keep_new_on_failure: true, rollout_id: 'comp-plan', missing_components_policy: 'MISSING_COMPONENTS_POLICY_INCLUDE' },
    });
    if (!grpc.ok) throw new Error(`PlanRollout failed: ${grpc.error.details}`);
    expect(grpc.value.forecast.missing_components).toMatchObject({ policy: 'MISSING_COMPONENTS_POLICY_INCLUDE', agents: 4, by_component: { 'processors/batch': 4 } });
    expect(grpc.value.forecast.members).toBe(12);
  });

  it('refuses the start under policy refuse, naming them, and leaves them out by default', async () => {
    const refused = await bed.http('POST', '/api/v1/rollouts', { body: { ...body, rolloutId: 'comp-refused', missingComponentsPolicy: 'refuse' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'components.missing', details: { agents: 4, components: ['processors/batch'] } });
    expect([...refused.body.error.details.agentIds].sort()).toEqual(lacking);
    expect((await bed.http('GET', '/api/v1/rollouts/comp-refused')).status).toBe(404);

    const started = documented(await bed.http('POST', '/api/v1/rollouts', { body: { ...body, rolloutId: 'comp-started' } }), 201, 'rollout.start');
    expect(started).toMatchObject({ members: 8, skipped: 4, skippedBy: { missing_components: 4 } });
    const skipped = documented(await bed.http('GET', '/api/v1/rollouts/comp-started/agents?state=skipped'), 200, 'rollout.agents');
    expect(skipped.items.map((agent: { agentId: string }) => agent.agentId).sort()).toEqual(lacking);
    for (const agent of skipped.items) expect(agent.skip).toMatchObject({ reason: 'missing_components' });
    documented(await bed.http('POST', '/api/v1/rollouts/comp-started/abort', { body: {} }), 200, 'rollout.abort');
  });
});
