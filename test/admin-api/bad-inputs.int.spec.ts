/**
 * A table of bad requests: each gets its status, a stable code, the field at fault and a reason
 * a person can act on, and none of them changes anything (no config, no rollout, no event).
 */
import { HTTP_ROUTES, OPENAPI_PATH } from '@roost/admin-api';
import { BUCKETS, STREAMS } from '@roost/contracts';
import { AdminApiTestBed, collectorYaml } from './admin-api-test-bed';

jest.setTimeout(60_000);

const UNDEFINED_EXPORTER = collectorYaml('basic').replace('exporters: [debug]', 'exporters: [debug, otlphttp]');

interface BadRequest {
  readonly what: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly raw?: { text: string; contentType: string };
  readonly status: number;
  readonly code: string;
  /** The field named: an issue path (request.invalid) or details.field (domain refusals). */
  readonly field?: string;
  readonly says: RegExp;
}

const rollout = (body: Record<string, unknown>): Pick<BadRequest, 'method' | 'path' | 'body'> => ({ method: 'POST', path: '/api/v1/rollouts', body: { target: { group: 'bad-in' }, configVersion: 'bad-base', ...body } });

const CASES: readonly BadRequest[] = [
  { what: 'a body that is not JSON', method: 'POST', path: '/api/v1/configs', raw: { text: '{"name": "x",', contentType: 'application/json' }, status: 400, code: 'request.malformed_json', field: '(body)', says: /not valid JSON/ },
  { what: 'a JSON array as body', method: 'POST', path: '/api/v1/configs', body: [1, 2], status: 400, code: 'request.invalid', field: '(body)', says: /expected a JSON object/ },
  { what: 'a body that is not sent as JSON', method: 'POST', path: '/api/v1/configs', raw: { text: 'name=x', contentType: 'application/x-www-form-urlencoded' }, status: 415, code: 'request.unsupported_media_type', says: /Content-Type: application\/json/ },
  { what: 'a body over the size limit', method: 'POST', path: '/api/v1/configs', body: { name: 'big', yaml: 'x'.repeat(70_000) }, status: 413, code: 'request.too_large', says: /larger than 65536 bytes/ },
  { what: 'a config without yaml', method: 'POST', path: '/api/v1/configs', body: { name: 'no-yaml' }, status: 400, code: 'request.invalid', field: 'yaml', says: /expected string/ },
  { what: 'a config name with spaces', method: 'POST', path: '/api/v1/configs', body: { name: 'my config', yaml: collectorYaml('a') }, status: 400, code: 'request.invalid', field: 'name', says: /1-128 characters/ },
  { what: 'YAML that does not parse', method: 'POST', path: '/api/v1/configs', body: { name: 'broken', yaml: 'receivers:\n  otlp: [\n' }, status: 400, code: 'config.invalid', field: 'yaml', says: /YAML does not parse.*line 3, column 1/ },
  { what: 'a pipeline naming an undefined exporter', method: 'POST', path: '/api/v1/configs', body: { name: 'undefined-exporter', yaml: UNDEFINED_EXPORTER }, status: 400, code: 'config.invalid', field: 'yaml', says: /exporter "otlphttp", which is not defined.*\(line 13, column 26\)/ },
  { what: 'a rollout without a target', ...rollout({ target: undefined }), status: 400, code: 'request.invalid', field: 'target', says: /expected object/ },
  { what: 'a rollout naming a group and a selector', ...rollout({ target: { group: 'bad-in', selector: 'a=b' } }), status: 400, code: 'request.invalid', field: 'target', says: /exactly one of group or selector/ },
  { what: 'a rollout with a version and YAML', ...rollout({ configYaml: collectorYaml('b') }), status: 400, code: 'request.invalid', field: 'configVersion', says: /exactly one of configVersion/ },
  { what: 'a misspelt field', ...rollout({ thresold: 0.2 }), status: 400, code: 'request.invalid', field: 'thresold', says: /unknown field/ },
  { what: 'a threshold above 1', ...rollout({ threshold: 1.5 }), status: 400, code: 'threshold.out_of_range', field: 'threshold', says: /threshold/ },
  { what: 'a plan that stops short of 100%', ...rollout({ plan: [{ percent: 10 }, { percent: 50 }] }), status: 400, code: 'plan.not_ending_at_100', field: 'plan.1', says: /must be 100%/ },
  { what: 'a window given as text', ...rollout({ plan: [{ percent: 100, windowMs: '5m' }] }), status: 400, code: 'request.invalid', field: 'plan.0.windowMs', says: /expected number/ },
  { what: 'a selector that does not parse', ...rollout({ target: { selector: 'env in (prod' } }), status: 400, code: 'target.invalid_selector', field: 'target.selector', says: /does not parse/ },
  { what: 'a rollout id that cannot be a subject token', ...rollout({ rolloutId: 'my rollout' }), status: 400, code: 'request.invalid', field: 'rolloutId', says: /\[-_A-Za-z0-9\]/ },
  { what: 'an unknown failure policy', ...rollout({ policy: 'retry' }), status: 400, code: 'request.invalid', field: 'policy', says: /rollback|pause/ },
  { what: 'an unknown config version', ...rollout({ configVersion: 'no-such-config@3' }), status: 404, code: 'config.not_found', says: /no-such-config@3/ },
  { what: 'a group with no agents', ...rollout({ target: { group: 'nobody-here' } }), status: 422, code: 'target.no_eligible_agents', says: /matches 0 agents|no agent/ },
  { what: 'a page size of 0', method: 'GET', path: '/api/v1/agents?limit=0', status: 400, code: 'request.invalid', field: 'limit', says: /at least 1/ },
  { what: 'a page size that is not a number', method: 'GET', path: '/api/v1/agents?limit=ten', status: 400, code: 'request.invalid', field: 'limit', says: /expected number/ },
  { what: 'an agent selector that does not parse', method: 'GET', path: '/api/v1/agents?selector=a%20in', status: 400, code: 'request.invalid', field: 'selector', says: /does not parse/ },
  { what: 'an unknown health state', method: 'GET', path: '/api/v1/agents?health=sick', status: 400, code: 'request.invalid', field: 'health', says: /healthy/ },
  { what: 'an unknown query parameter', method: 'GET', path: '/api/v1/rollouts?state=paused', status: 400, code: 'request.invalid', field: 'state', says: /unknown field/ },
  { what: 'rollouts by status and group at once', method: 'GET', path: '/api/v1/rollouts?status=paused&group=bad-in', status: 400, code: 'request.invalid', field: 'status', says: /not both/ },
  { what: 'an action on an unknown rollout', method: 'POST', path: '/api/v1/rollouts/no-such-rollout/pause', status: 404, code: 'rollout.not_found', says: /no-such-rollout/ },
  { what: 'a reason that is not text', method: 'POST', path: '/api/v1/rollouts/no-such-rollout/abort', body: { reason: 42 }, status: 400, code: 'request.invalid', field: 'reason', says: /expected string/ },
  { what: 'the original endpoint without a config', method: 'POST', path: '/api/rollout', body: { group: 'bad-in' }, status: 400, code: 'request.invalid', field: 'config', says: /expected string/ },
  { what: 'an unknown route', method: 'GET', path: '/api/v1/rollout', status: 404, code: 'route.not_found', says: /openapi\.json/ },
  { what: 'a method a route does not answer', method: 'DELETE', path: '/api/v1/rollouts', status: 405, code: 'method.not_allowed', says: /does not answer DELETE/ },
];

describe('admin API refuses bad input', () => {
  let bed: AdminApiTestBed;
  let before: unknown;
  let document: any;
  const matchRoute = (method: string, path: string) =>
    HTTP_ROUTES.find((route) => route.method === method && new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path)) ?? null;

  /** Everything a bad request could have changed. */
  const state = async () => ({
    configs: (await (await bed.client.kv.open(BUCKETS.configs.name)).keys()).sort(),
    rolloutEvents: await bed.client.events.lastSequence(STREAMS.rolloutEvents.name),
    rollouts: (await bed.http('GET', '/api/v1/rollouts')).body.total,
  });

  beforeAll(async () => {
    bed = await AdminApiTestBed.start({ maxBodyBytes: 64 * 1024 });
    await bed.fleet({ agents: 3, environments: 'bad-in', seed: 'bad-inputs' });
    expect((await bed.http('POST', '/api/v1/configs', { body: { name: 'bad-base', yaml: collectorYaml('basic') } })).status).toBe(201);
    before = await state();
    document = (await bed.http('GET', OPENAPI_PATH)).body;
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it.each(CASES)('$what: $status $code', async (bad) => {
    const answer = await bed.http(bad.method, bad.path, bad.raw ? { rawBody: bad.raw.text, contentType: bad.raw.contentType } : { body: bad.body });
    expect(answer.status).toBe(bad.status);
    expect(answer.body.error.code).toBe(bad.code);
    expect(answer.body.error.message).toMatch(bad.says);
    if (bad.field !== undefined) {
      const fields = [answer.body.error.details.field, ...(answer.body.error.details.issues ?? []).map((issue: { path: string }) => issue.path)];
      expect(fields).toContain(bad.field);
    }
    // the OpenAPI document lists this status and code for the route (unknown routes have none)
    const route = matchRoute(bad.method, bad.path.split('?')[0]!);
    if (route !== null) {
      const documentedCodes = document.paths[route.path][route.method.toLowerCase()].responses[String(bad.status)]?.content['application/json'].schema.properties.error.properties.code.enum;
      expect(documentedCodes).toContain(bad.code);
    }
  });

  it('changed nothing: no config, no rollout, no rollout event', async () => {
    expect(await state()).toEqual(before);
  });
});
