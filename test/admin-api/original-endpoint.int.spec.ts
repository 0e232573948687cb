/**
 * The original design's endpoint (design §7) through the real `curl`, on real NATS and Redis
 * with simulated collectors: refused with 422 naming both remedies on a fleet that never had a
 * remote config, accepted with 202 once it has one — saying which agents it left out and why —
 * and its status object kept.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from '@roost/testing';
import { AdminApiTestBed, collectorYaml, TEST_TIMING } from './admin-api-test-bed';
import { documented } from './documented';

jest.setTimeout(60_000);

/** Verbatim from design §7; only the host and port are the test server's. */
const ORIGINAL_CURL = `curl -X POST http://localhost:8080/api/rollout \\
  -H "Content-Type: application/json" \\
  -d '{"group": "production", "config": "receivers:\\n  otlp:\\n    protocols:\\n      grpc:\\n        endpoint: 0.0.0.0:4317\\nexporters:\\n  debug: {}\\nservice:\\n  pipelines:\\n    traces:\\n      receivers: [otlp]\\n      exporters: [debug]\\n"}'`;

/** The original's elided example taken literally: it stops after the receiver, so it has no pipelines. */
const ELIDED_CURL = `curl -X POST http://localhost:8080/api/rollout \\
  -H "Content-Type: application/json" \\
  -d '{"group": "production", "config": "receivers:\\n  otlp:\\n    protocols:\\n      grpc:\\n        endpoint: 0.0.0.0:4317\\n"}'`;

describe('the original rollout endpoint', () => {
  let bed: AdminApiTestBed;

  /** Runs the command as a shell would, pointed at the test server; `-s -w` adds the response headers (JSON) and the status on two last lines. */
  const curl = async (command: string): Promise<{ status: number; body: any; location: string | null }> => {
    const port = new URL(bed.api.url).port;
    const pointed = command.replace('http://localhost:8080', `http://localhost:${port}`);
    const { stdout } = await promisify(execFile)('bash', ['-c', `${pointed} -s -w '\\n%{header_json}\\n%{http_code}'`]);
    const lines = stdout.split('\n');
    const status = Number(lines.pop());
    // The API answers one line of JSON; curl's header JSON follows on lines of its own.
    const headers = JSON.parse(lines.slice(1).join('\n')) as Record<string, string[]>;
    return { status, body: JSON.parse(lines[0] ?? ''), location: headers['location']?.[0] ?? null };
  };

  beforeAll(async () => {
    bed = await AdminApiTestBed.start();
    await bed.fleet({ agents: 5, environments: 'production', seed: 'original' });
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('refuses the example on a fleet that never had a remote config, naming both remedies', async () => {
    const answer = await curl(ORIGINAL_CURL);
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: 'target.no_eligible_agents', details: { matched: 5, skipped: { no_previous_config: 5 } } });
    expect(answer.body.error.message).toMatch(/baselineConfigHash/);
    expect(answer.body.error.message).toMatch(/acceptKeepNewOnFailure/);
    expect((await bed.http('GET', '/api/v1/rollouts')).body.total).toBe(0);
  });

  it('refuses the elided example, which has no pipelines, with a 400 that says so', async () => {
    const answer = await curl(ELIDED_CURL);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('config.invalid');
    expect(answer.body.error.message).toMatch(/pipelines/);
  });

  it('starts the example with 202 on a fleet with a previous config, names the agents it leaves out and why, and serves the status object at its Location', async () => {
    const baseline = documented(
      await bed.http('POST', '/api/v1/rollouts', { body: { target: { group: 'production' }, configYaml: collectorYaml('basic'), acceptKeepNewOnFailure: true, plan: [{ percent: 100 }], timing: TEST_TIMING } }),
      201,
      'rollout.start',
    );
    await eventually(async () => (await bed.http('GET', `/api/v1/rollouts/${baseline.rolloutId}`)).body.status === 'completed', { timeoutMs: 20_000, what: 'the baseline rollout to complete' });

    // Three collectors join the group now: they never had a remote config, so the default plan cannot take them.
    await bed.fleet({ agents: 3, environments: 'production', seed: 'original-late' });

    const answer = await curl(ORIGINAL_CURL);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: 'rollout started', group: 'production', id: expect.stringMatching(/^[-_A-Za-z0-9]+$/) });
    expect(answer.body.rollout).toMatchObject({ id: answer.body.id, group: 'production', current_phase: 'canary', total_agents: 5, status: 'in_progress' });
    expect(answer.body.skipped).toEqual({ no_previous_config: 3 });
    expect(answer.body.warning).toBe(
      '3 of 8 agents of group production are left out and keep the config they run: 3 never had a remote config to return to. To include agents with no previous config Roost holds, start the rollout with POST /api/v1/rollouts and baselineConfigHash (what they fall back to on failure) or acceptKeepNewOnFailure (they keep the new config if it fails).',
    );
    documented({ status: 202, body: answer.body, headers: new Headers() }, 202, 'rollout.start_original');
    expect(answer.location).toBe(`/api/rollout/${answer.body.id}`);

    const status = documented(await bed.http('GET', answer.location ?? ''), 200, 'rollout.status_original');
    expect(status).toMatchObject({ id: answer.body.id, group: 'production', current_phase: 'canary', status: 'in_progress', total_agents: 5 });
    expect(status.started_at).toBe(answer.body.rollout.started_at);
    expect(new Date(status.started_at).toISOString()).toBe(status.started_at);
    expect(status.updated_agents).toBeGreaterThanOrEqual(0);
    // the same rollout under /api/v1, camelCase only
    const resource = documented(await bed.http('GET', `/api/v1/rollouts/${answer.body.id}`), 200, 'rollout.get');
    expect(resource).toMatchObject({ rolloutId: answer.body.id, currentPhase: 'canary', members: 5 });
    expect(resource.counts.skipped).toBe(3);
    expect(resource).not.toHaveProperty('current_phase');
    expect(resource.plan.map((p: { name: string; windowMs: number }) => [p.name, p.windowMs])).toEqual([
      ['canary', 300_000],
      ['early-adopters', 300_000],
      ['majority', 180_000],
      ['full', 0],
    ]);
    expect(resource.threshold).toBe(0.1);
    // The inline YAML is listed under a name, so `config list` shows what the endpoint stored.
    const configs = (await bed.http('GET', '/api/v1/configs')).body;
    expect(configs.items).toContainEqual(expect.objectContaining({ name: 'inline-production', versions: 1, latestHash: resource.configHash }));
  });
});
