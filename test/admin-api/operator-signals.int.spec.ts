import { AdminApiTestBed, collectorYaml, TEST_TIMING } from './admin-api-test-bed';
import { errorSchema } from '@roost/admin-api';
import { documented } from './documented';

jest.setTimeout(90_000);

/** The value of one sample line (`name{labels} value`) of Prometheus text; null when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const labelText = rest[0] === '{' ? rest.slice(1, rest.indexOf('}')) : '';
    if (wanted.every((label) => labelText.split(',').includes(label))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

describe('operator signals: metrics, group suggestions and start warnings (NATS and Redis)', () => {
  let bed: AdminApiTestBed;

  beforeAll(async () => {
    bed = await AdminApiTestBed.start();
    await bed.fleet({ agents: 12, environments: 'signals-prod', seed: 'signals' });
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('refuses a rollout to an unknown group with 422, naming the known groups and the closest', async () => {
    const answer = await bed.http('POST', '/api/v1/rollouts', { body: { target: { group: 'signal-prod' }, configYaml: collectorYaml('detailed') } });
    expect(answer.status).toBe(422);
    const body = errorSchema.parse(answer.body);
    expect(body.error.code).toBe('target.no_eligible_agents');
    expect(body.error.details).toMatchObject({ knownGroups: ['signals-prod'], closestGroups: ['signals-prod'] });
    expect(body.error.message).toContain('did you mean "signals-prod"?');
    expect((await bed.http('GET', '/api/v1/groups/signal-prod')).status).toBe(404);
  });

  it('starts with warnings for a one-agent canary of 12 and a window shorter than the health grace, and a minimum canary size widens it', async () => {
    const plan = [{ name: 'canary', percent: 2, windowMs: 500 }, { name: 'all', percent: 100 }];
    const warned = documented(await bed.http('POST', '/api/v1/rollouts', { body: { target: { group: 'signals-prod' }, configYaml: collectorYaml('detailed'), acceptKeepNewOnFailure: true, plan, timing: TEST_TIMING, rolloutId: 'signals-1' } }), 201, 'rollout.start');
    expect(warned.targeted).toBe(1);
    expect(warned.warnings.map((w: { code: string }) => w.code)).toEqual(['window.shorter_than_health_grace', 'canary.single_agent']);
    documented(await bed.http('POST', '/api/v1/rollouts/signals-1/abort', { body: { reason: 'test' } }), 200, 'rollout.abort');

    const floored = documented(
      await bed.http('POST', '/api/v1/rollouts', { body: { target: { group: 'signals-prod' }, configYaml: collectorYaml('normal'), acceptKeepNewOnFailure: true, plan, timing: { ...TEST_TIMING, healthGraceMs: 0 }, minCanaryAgents: 4, rolloutId: 'signals-2' } }),
      201,
      'rollout.start',
    );
    expect(floored.targeted).toBe(4);
    expect(floored).not.toHaveProperty('warnings');
    documented(await bed.http('POST', '/api/v1/rollouts/signals-2/abort', { body: {} }), 200, 'rollout.abort');
  });

  it('counts requests on the admin API /metrics and rollouts, phases and commands on the orchestrator', async () => {
    const admin = await (await fetch(`${bed.api.url}/metrics`)).text();
    expect(sample(admin, 'roost_admin_requests_total', { operation: 'rollout.start', transport: 'http', result: 'target.no_eligible_agents' })).toBe(1);
    expect(sample(admin, 'roost_admin_requests_total', { operation: 'rollout.start', transport: 'http', result: 'ok' })).toBe(2);
    expect(sample(admin, 'roost_admin_request_duration_seconds_count', { operation: 'rollout.abort', transport: 'http' })).toBe(2);

    await bed.orchestrator.idle();
    const orchestrator = await bed.orchestrator.metrics.metrics();
    expect(sample(orchestrator, 'roost_orchestrator_leader')).toBe(1);
    expect(sample(orchestrator, 'roost_rollouts_started_total')).toBe(2);
    expect(sample(orchestrator, 'roost_rollouts', { status: 'aborted' })).toBe(2);
    expect(sample(orchestrator, 'roost_rollouts_ended_total', { status: 'aborted' })).toBe(2);
    expect(sample(orchestrator, 'roost_rollout_phases_started_total')).toBe(2);
    expect(sample(orchestrator, 'roost_orchestrator_commands_total', { verb: 'rollout.start', result: 'ok' })).toBe(2);
    expect(sample(orchestrator, 'roost_orchestrator_commands_total', { verb: 'rollout.start', result: 'target.no_eligible_agents' })).toBe(1);
    expect(sample(orchestrator, 'roost_orchestrator_commands_total', { verb: 'rollout.abort', result: 'ok' })).toBe(2);
  });
});
