/**
 * The same operations over gRPC (roost.admin.v1) through a real @grpc/grpc-js client, on real
 * NATS and Redis with simulated collectors: configs, agents, groups, rollouts with every
 * action, WatchRollout streaming a rollout to its end, errors with Roost's code, health and
 * reflection.
 */
import { status, type ClientReadableStream } from '@grpc/grpc-js';
import { GRPC_METHODS } from '@roost/admin-api';
import { eventually } from '@roost/testing';
import { AdminApiTestBed, collectorYaml, grpcFailure, TEST_TIMING, tokenMetadata, unary } from './admin-api-test-bed';

jest.setTimeout(90_000);

const LONG = 10 * 60_000;
const timing = { apply_timeout_ms: TEST_TIMING.applyTimeoutMs, disconnect_grace_ms: TEST_TIMING.disconnectGraceMs, health_grace_ms: TEST_TIMING.healthGraceMs };

async function ok<T = any>(call: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const answer = await call;
  if (!answer.ok) throw new Error(`gRPC call failed: ${JSON.stringify(answer.error)}`);
  return answer.value;
}

describe('admin API over gRPC', () => {
  let bed: AdminApiTestBed;
  let configs: Record<string, any>;
  let agents: Record<string, any>;
  let groups: Record<string, any>;
  let rollouts: Record<string, any>;
  let audit: Record<string, any>;
  let baseline: string;
  let next: string;
  const called = new Set<string>();
  const call = <T = any>(client: Record<string, any>, method: string, request: object) => {
    called.add(method);
    return ok<T>(unary<T>(client, method, request));
  };
  const waitFor = (id: string, check: (r: any) => boolean, what: string) =>
    eventually(async () => {
      const answer = await unary(rollouts, 'GetRollout', { rollout_id: id });
      return answer.ok && check(answer.value) && answer.value;
    }, { timeoutMs: 30_000, intervalMs: 100, what });

  beforeAll(async () => {
    bed = await AdminApiTestBed.start();
    await bed.fleet({ agents: 6, environments: 'grpc-prod', regions: 'eu-west-1,us-east-1', seed: 'grpc-prod' });
    [configs, agents, groups, rollouts, audit] = ['ConfigService', 'AgentService', 'GroupService', 'RolloutService', 'AuditService'].map((s) => bed.grpcClient(s)) as Record<string, any>[];
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('creates, lists, reads and diffs config versions', async () => {
    const created = await call(configs, 'CreateConfig', { name: 'grpc-base', yaml: collectorYaml('basic') });
    expect(created).toMatchObject({ name: 'grpc-base', version: 1, created: true });
    baseline = created.hash;
    next = (await call(configs, 'CreateConfig', { name: 'grpc-base', yaml: collectorYaml('detailed') })).hash;
    expect((await call(configs, 'ListConfigs', {})).items).toEqual([expect.objectContaining({ name: 'grpc-base', versions: 2, latest_version: 2, latest_hash: next })]);
    expect(await call(configs, 'GetConfig', { ref: 'grpc-base@1' })).toMatchObject({ hash: baseline, name: 'grpc-base', yaml: collectorYaml('basic') });
    expect((await call(configs, 'ListConfigVersions', { name: 'grpc-base' })).versions.map((v: any) => v.hash)).toEqual([baseline, next]);
    const diff = await call(configs, 'DiffConfigs', { from: baseline, to: 'grpc-base' });
    expect(diff).toMatchObject({ from: baseline, to: next, added: 1, removed: 1, components: { changed: ['exporters/debug'] } });
  });

  it('lists agents with filters and pages, reads one, and lists groups', async () => {
    const page = await call(agents, 'ListAgents', { selector: 'cloud.region=us-east-1', connected: true, limit: 2 });
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({ group: 'grpc-prod', connected: true, health_state: 'healthy', non_identifying: { 'cloud.region': 'us-east-1' } });
    const one = await call(agents, 'GetAgent', { agent_id: page.items[0].agent_id });
    expect(one).toMatchObject({ agent_id: page.items[0].agent_id, identifying: { 'service.environment': 'grpc-prod' }, capability_names: expect.arrayContaining(['AcceptsRemoteConfig']) });
    const missing = await unary(agents, 'GetAgent', { agent_id: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: status.NOT_FOUND, roostCode: 'agent.not_found' } });

    const list = await call(groups, 'ListGroups', {});
    expect(list.groups).toEqual([expect.objectContaining({ group: 'grpc-prod', agents: 6, connected: 6, disconnected: 0, health: { healthy: 6, unhealthy: 0, unknown: 0 } })]);
    expect(await call(groups, 'GetGroup', { group: 'grpc-prod' })).toMatchObject({ group: 'grpc-prod', agents: 6 });
  });

  it('streams a rollout with WatchRollout from start to completion', async () => {
    const started = await call(rollouts, 'CreateRollout', {
      target: { group: 'grpc-prod' },
      config_version: baseline,
      accept_keep_new_on_failure: true,
      plan: [{ count: 2, window_ms: 300 }, { percent: 100 }],
      timing,
    });
    expect(started).toMatchObject({ status: 'in_progress', target: 'group grpc-prod', config_hash: baseline });
    called.add('WatchRollout');
    const stream: ClientReadableStream<any> = rollouts.WatchRollout({ rollout_id: started.rollout_id }, tokenMetadata(undefined));
    const seen: any[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (message) => seen.push(message));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[seen.length - 1]).toMatchObject({ id: started.rollout_id, status: 'completed', updated_agents: 6, total_agents: 6, counts: { applied: 6 } });
    expect(seen.map((m) => m.version)).toEqual([...seen.map((m) => m.version)].sort((a, b) => a - b));
    const detail = await call(rollouts, 'GetRollout', { rollout_id: started.rollout_id });
    expect(detail.phases.map((p: any) => p.state)).toEqual(['passed', 'passed']);
    expect(detail.transitions.map((t: any) => t.type)).toContain('RolloutCompleted');
    expect((await call(rollouts, 'ListRolloutAgents', { rollout_id: started.rollout_id, state: 'applied' })).total).toBe(6);
  });

  it('pauses, resumes, promotes, aborts and rolls back; an illegal transition is FAILED_PRECONDITION with the Roost code', async () => {
    const plan = [{ count: 1, window_ms: LONG }, { percent: 100 }];
    const first = await call(rollouts, 'CreateRollout', { target: { selector: 'service.environment=grpc-prod' }, config_version: 'grpc-base@2', plan, timing });
    await waitFor(first.rollout_id, (r) => r.counts.applied === 1, 'the canary to apply');
    expect(await call(rollouts, 'PauseRollout', { rollout_id: first.rollout_id, reason: 'look' })).toMatchObject({ status: 'paused', paused_by: 'operator' });
    expect((await call(rollouts, 'ResumeRollout', { rollout_id: first.rollout_id })).status).toBe('in_progress');
    await call(rollouts, 'PromoteRollout', { rollout_id: first.rollout_id });
    await waitFor(first.rollout_id, (r) => r.status === 'completed', 'the promoted rollout to complete');
    const illegal = await unary(rollouts, 'PauseRollout', { rollout_id: first.rollout_id });
    expect(illegal).toMatchObject({ ok: false, error: { code: status.FAILED_PRECONDITION, roostCode: 'transition.illegal', roostDetails: { from: 'completed' } } });

    const second = await call(rollouts, 'CreateRollout', { target: { group: 'grpc-prod' }, config_version: baseline, plan, timing });
    await waitFor(second.rollout_id, (r) => r.counts.applied === 1, 'the canary to apply');
    expect((await call(rollouts, 'AbortRollout', { rollout_id: second.rollout_id })).status).toBe('aborted');

    const third = await call(rollouts, 'CreateRollout', { target: { group: 'grpc-prod' }, config_yaml: collectorYaml('normal'), plan: [{ count: 2, window_ms: LONG }, { percent: 100 }], timing });
    await waitFor(third.rollout_id, (r) => r.counts.applied === 2, 'the canaries to apply');
    expect((await call(rollouts, 'RollbackRollout', { rollout_id: third.rollout_id })).status).toBe('rolled_back');

    // by group: rollouts that named the group (the first one targeted a selector)
    const list = await call(rollouts, 'ListRollouts', { group: 'grpc-prod' });
    expect(list.items.map((r: any) => r.status)).toEqual(['rolled_back', 'aborted', 'completed']);
    expect((await call(rollouts, 'ListRollouts', {})).items.map((r: any) => r.id)).toEqual([third.rollout_id, second.rollout_id, first.rollout_id, list.items[2].id]);
  });

  it('refuses bad input as INVALID_ARGUMENT naming the field, and unknown ids as NOT_FOUND', async () => {
    const invalid = await unary(rollouts, 'CreateRollout', { target: { group: 'grpc-prod' }, config_version: baseline, config_yaml: collectorYaml('x') });
    expect(invalid).toMatchObject({ ok: false, error: { code: status.INVALID_ARGUMENT, roostCode: 'request.invalid', roostDetails: { issues: [{ path: 'configVersion' }] } } });
    const yaml = await unary(configs, 'CreateConfig', { name: 'broken', yaml: 'receivers: [\n' });
    expect(yaml).toMatchObject({ ok: false, error: { code: status.INVALID_ARGUMENT, roostCode: 'config.invalid', roostDetails: { errors: [{ line: 2, column: 1 }] } } });
    const unknown = await unary(rollouts, 'GetRollout', { rollout_id: 'no-such-rollout' });
    expect(unknown).toMatchObject({ ok: false, error: { code: status.NOT_FOUND, roostCode: 'rollout.not_found' } });
    const watch = await new Promise<any>((resolve) => {
      const stream = rollouts.WatchRollout({ rollout_id: 'no-such-rollout' }, tokenMetadata(undefined));
      stream.on('data', () => undefined);
      stream.on('error', (error: any) => resolve(grpcFailure(error)));
    });
    expect(watch).toMatchObject({ code: status.NOT_FOUND, roostCode: 'rollout.not_found' });
  });

  it('lists the audit trail of the gRPC writes', async () => {
    const records = await call(audit, 'ListAuditRecords', { limit: 100 });
    expect(records.items.length).toBeGreaterThan(0);
    expect(records.items.every((r: any) => r.transport === 'grpc')).toBe(true);
    expect(records.items.map((r: any) => r.operation)).toEqual(expect.arrayContaining(['config.create', 'rollout.start', 'rollout.pause', 'rollout.rollback']));
    expect(records.items.find((r: any) => r.code === 'transition.illegal')).toMatchObject({ outcome: 'refused', status: 409, operation: 'rollout.pause' });
  });

  it('answers health checks and server reflection', async () => {
    const health = bed.grpcClient('grpc.health.v1.Health');
    expect(await ok(unary(health, 'Check', { service: '' }))).toEqual({ status: 'SERVING' });
    expect(await ok(unary(health, 'Check', { service: 'roost.admin.v1.RolloutService' }))).toEqual({ status: 'SERVING' });
    expect(await unary(health, 'Check', { service: 'nope.Service' })).toMatchObject({ ok: false, error: { code: status.NOT_FOUND } });

    const reflection = bed.grpcClient('grpc.reflection.v1.ServerReflection');
    const services = await new Promise<string[]>((resolve, reject) => {
      const stream = reflection.ServerReflectionInfo();
      stream.on('data', (message: any) => {
        resolve(message.list_services_response.service.map((s: { name: string }) => s.name));
        stream.end();
      });
      stream.on('error', reject);
      stream.write({ list_services: '' });
    });
    expect(services).toEqual(expect.arrayContaining(['roost.admin.v1.ConfigService', 'roost.admin.v1.AgentService', 'roost.admin.v1.GroupService', 'roost.admin.v1.RolloutService', 'roost.admin.v1.AuditService', 'grpc.health.v1.Health']));
  });

  it('called every gRPC method of the admin services', () => {
    expect([...called].sort()).toEqual(GRPC_METHODS.map((m) => m.method).sort());
  });
});
