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
const duration = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const timing = { apply_timeout: duration(TEST_TIMING.applyTimeoutMs), disconnect_grace: duration(TEST_TIMING.disconnectGraceMs), health_grace: duration(TEST_TIMING.healthGraceMs) };

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
  let enrolment: Record<string, any>;
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
      return answer.ok && check(answer.value.rollout) && answer.value.rollout;
    }, { timeoutMs: 30_000, intervalMs: 100, what });

  beforeAll(async () => {
    bed = await AdminApiTestBed.start();
    await bed.fleet({ agents: 6, environments: 'grpc-prod', regions: 'eu-west-1,us-east-1', seed: 'grpc-prod' });
    [configs, agents, groups, rollouts, audit, enrolment] = ['ConfigService', 'AgentService', 'GroupService', 'RolloutService', 'AuditService', 'EnrolmentService'].map((s) => bed.grpcClient(s)) as Record<string, any>[];
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
    const version = await call(configs, 'GetConfig', { ref: 'grpc-base@1' });
    expect(version.config).toMatchObject({ hash: baseline, name: 'grpc-base', yaml: collectorYaml('basic'), create_time: { seconds: expect.any(Number) } });
    expect((await call(configs, 'ListConfigVersions', { name: 'grpc-base' })).versions.map((v: any) => v.hash)).toEqual([baseline, next]);
    const diff = await call(configs, 'DiffConfigs', { from: baseline, to: 'grpc-base' });
    expect(diff).toMatchObject({ from: baseline, to: next, added: 1, removed: 1, components: { changed: ['exporters/debug'] } });
  });

  it('lists agents with filters and pages, reads one, and lists groups', async () => {
    const page = await call(agents, 'ListAgents', { selector: 'cloud.region=us-east-1', connected: true, limit: 2 });
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({ group: 'grpc-prod', connected: true, transport: 'TRANSPORT_WEBSOCKET', health_state: 'HEALTH_STATE_HEALTHY', non_identifying: { 'cloud.region': 'us-east-1' } });
    const { agent: one } = await call(agents, 'GetAgent', { agent_id: page.items[0].agent_id });
    expect(one).toMatchObject({ agent_id: page.items[0].agent_id, identifying: { 'service.environment': 'grpc-prod' }, capability_names: expect.arrayContaining(['AcceptsRemoteConfig']), connect_time: { seconds: expect.any(Number) } });
    expect((await call(agents, 'ListAgents', { health: 'HEALTH_STATE_UNHEALTHY' })).total).toBe(0);
    const effective = await call(agents, 'GetAgentEffectiveConfig', { agent_id: page.items[0].agent_id });
    expect(effective).toMatchObject({ agent_id: page.items[0].agent_id, hash: one.effective_config_hash, gateway_id: one.gateway_id, report_time: { seconds: expect.any(Number) } });
    expect(effective.files).toEqual([expect.objectContaining({ name: '', content_type: 'text/yaml', body: effective.yaml })]);
    const against = await call(agents, 'GetAgentEffectiveConfig', { agent_id: page.items[0].agent_id, against: 'grpc-base@1' });
    expect(against).toMatchObject({ against: { hash: baseline, ref: 'grpc-base@1', source: 'requested', stored: true }, diff: { from: baseline, to: one.effective_config_hash } });
    const missing = await unary(agents, 'GetAgent', { agent_id: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: status.NOT_FOUND, roostCode: 'agent.not_found', reason: 'AGENT_NOT_FOUND' } });

    const list = await call(groups, 'ListGroups', {});
    expect(list.groups).toEqual([expect.objectContaining({ group: 'grpc-prod', agents: 6, connected: 6, disconnected: 0, health: { healthy: 6, unhealthy: 0, unknown: 0 } })]);
    const { group } = await call(groups, 'GetGroup', { group: 'grpc-prod' });
    expect(group).toMatchObject({ group: 'grpc-prod', agents: 6 });
    expect(Object.values(group.configs).reduce((sum: number, n: any) => sum + n, 0)).toBe(6);
  });

  it('streams a rollout with WatchRollout from start to completion, whose canaries PlanRollout named before', async () => {
    const { forecast } = await call(rollouts, 'PlanRollout', {
      rollout: { target: { group: 'grpc-prod' }, config_version: baseline, accept_keep_new_on_failure: true, plan: [{ count: 2, window: duration(300) }, { percent: 100 }], rollout_id: 'grpc-watched' },
    });
    expect(forecast).toMatchObject({ rollout_id: 'grpc-watched', matched: 6, members: 6 });
    expect(forecast.first_phase_agents).toHaveLength(2);
    const started = await call(rollouts, 'CreateRollout', {
      rollout_id: 'grpc-watched',
      target: { group: 'grpc-prod' },
      config_version: baseline,
      accept_keep_new_on_failure: true,
      plan: [{ count: 2, window: duration(300) }, { percent: 100 }],
      timing,
    });
    expect(started.rollout).toMatchObject({ status: 'ROLLOUT_STATUS_IN_PROGRESS', target: 'group grpc-prod', config_hash: baseline });
    called.add('WatchRollout');
    const stream: ClientReadableStream<any> = rollouts.WatchRollout({ rollout_id: started.rollout.rollout_id }, tokenMetadata(undefined));
    const seen: any[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (message) => seen.push(message.rollout));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[seen.length - 1]).toMatchObject({ rollout_id: started.rollout.rollout_id, status: 'ROLLOUT_STATUS_COMPLETED', members: 6, counts: { applied: 6 }, end_time: { seconds: expect.any(Number) } });
    expect(seen.map((m) => m.version)).toEqual([...seen.map((m) => m.version)].sort((a, b) => a - b));
    const { rollout: detail } = await call(rollouts, 'GetRollout', { rollout_id: started.rollout.rollout_id });
    expect(detail.phases.map((p: any) => p.state)).toEqual(['PHASE_STATE_PASSED', 'PHASE_STATE_PASSED']);
    expect(detail.phases[0].window).toEqual({ seconds: 0, nanos: 300_000_000 });
    expect(detail.transitions.map((t: any) => t.type)).toContain('RolloutCompleted');
    expect(detail.transitions[0].details.fields).toBeDefined();
    expect((await call(rollouts, 'ListRolloutAgents', { rollout_id: started.rollout.rollout_id, state: 'AGENT_OUTCOME_STATE_APPLIED' })).total).toBe(6);

    const member = forecast.first_phase_agents[0];
    const took = await call(agents, 'ListAgentRollouts', { agent_id: member, limit: 5 });
    expect(took).toMatchObject({ total: 1, offset: 0 });
    expect(took.items[0]).toMatchObject({
      rollout: { rollout_id: 'grpc-watched', status: 'ROLLOUT_STATUS_COMPLETED' },
      outcome: { agent_id: member, state: 'AGENT_OUTCOME_STATE_APPLIED', config_hash: baseline, phase: 0 },
    });
    const log = await eventually(async () => {
      const answer = await call(agents, 'ListAgentEvents', { agent_id: member });
      return answer.items.some((event: any) => event.remote_config_status?.state === 'REMOTE_CONFIG_STATE_APPLIED') && answer;
    }, { timeoutMs: 10_000, what: 'the APPLIED report in the agent\'s events' });
    expect(log.agent_id).toBe(member);
    expect(log.items.map((event: any) => event.n)).toEqual([...log.items.map((event: any) => event.n)].sort((a: number, b: number) => b - a));
    expect(log.items.find((event: any) => event.remote_config_status !== undefined)).toMatchObject({ type: 'remote-config-status', remote_config_status: { hash: baseline }, time: { seconds: expect.any(Number) } });
    expect(log.items.at(-1).changes).toContain('connected');
    expect(await unary(agents, 'ListAgentEvents', { agent_id: 'nope' })).toMatchObject({ ok: false, error: { code: status.NOT_FOUND, roostCode: 'agent.not_found' } });
    expect(await unary(agents, 'ListAgentRollouts', { agent_id: 'nope' })).toMatchObject({ ok: false, error: { code: status.NOT_FOUND, roostCode: 'agent.not_found' } });
  });

  it('pauses, resumes, promotes, aborts, undoes and rolls back; an illegal transition is FAILED_PRECONDITION with the Roost code', async () => {
    const plan = [{ count: 1, window: duration(LONG) }, { percent: 100 }];
    const { rollout: first } = await call(rollouts, 'CreateRollout', { target: { selector: 'service.environment=grpc-prod' }, config_version: 'grpc-base@2', plan, timing });
    await waitFor(first.rollout_id, (r) => r.counts.applied === 1, 'the canary to apply');
    expect((await call(rollouts, 'PauseRollout', { rollout_id: first.rollout_id, reason: 'look' })).rollout).toMatchObject({ status: 'ROLLOUT_STATUS_PAUSED', paused_by: 'PAUSED_BY_OPERATOR' });
    expect((await call(rollouts, 'ResumeRollout', { rollout_id: first.rollout_id })).rollout.status).toBe('ROLLOUT_STATUS_IN_PROGRESS');
    await call(rollouts, 'PromoteRollout', { rollout_id: first.rollout_id });
    await waitFor(first.rollout_id, (r) => r.status === 'ROLLOUT_STATUS_COMPLETED', 'the promoted rollout to complete');
    const illegal = await unary(rollouts, 'PauseRollout', { rollout_id: first.rollout_id });
    expect(illegal).toMatchObject({ ok: false, error: { code: status.FAILED_PRECONDITION, roostCode: 'transition.illegal', reason: 'TRANSITION_ILLEGAL', roostDetails: { from: 'completed' } } });

    const { rollout: second } = await call(rollouts, 'CreateRollout', { target: { group: 'grpc-prod' }, config_version: baseline, plan, timing, policy: 'FAILURE_POLICY_PAUSE' });
    await waitFor(second.rollout_id, (r) => r.counts.applied === 1, 'the canary to apply');
    expect((await call(rollouts, 'AbortRollout', { rollout_id: second.rollout_id })).rollout.status).toBe('ROLLOUT_STATUS_ABORTED');
    const { rollout: undo } = await call(rollouts, 'UndoRollout', { rollout_id: second.rollout_id, fast: true });
    expect(undo).toMatchObject({ undo_of: second.rollout_id, members: 1 });
    await waitFor(undo.rollout_id, (r) => r.status === 'ROLLOUT_STATUS_COMPLETED' && r.undo_of === second.rollout_id, 'the undo to complete');

    const requirements = { requirements: [{ operator: 'SELECTOR_OPERATOR_IN', key: 'service.environment', values: ['grpc-prod'] }] };
    const { rollout: third } = await call(rollouts, 'CreateRollout', { target: { requirements }, config_yaml: collectorYaml('normal'), plan: [{ count: 2, window: duration(LONG) }, { percent: 100 }], timing });
    await waitFor(third.rollout_id, (r) => r.counts.applied === 2, 'the canaries to apply');
    expect((await call(rollouts, 'RollbackRollout', { rollout_id: third.rollout_id })).rollout.status).toBe('ROLLOUT_STATUS_ROLLED_BACK');

    // by group: rollouts that named the group (the first and third targeted selectors; the undo has the second's target)
    const list = await call(rollouts, 'ListRollouts', { group: 'grpc-prod' });
    expect(list.items.map((r: any) => r.status)).toEqual(['ROLLOUT_STATUS_COMPLETED', 'ROLLOUT_STATUS_ABORTED', 'ROLLOUT_STATUS_COMPLETED']);
    expect(list.items[0].rollout_id).toBe(undo.rollout_id);
    expect((await call(rollouts, 'ListRollouts', {})).items.map((r: any) => r.rollout_id)).toEqual([third.rollout_id, undo.rollout_id, second.rollout_id, first.rollout_id, list.items[2].rollout_id]);
    expect((await call(rollouts, 'ListRollouts', { status: 'ROLLOUT_STATUS_ROLLED_BACK' })).items.map((r: any) => r.rollout_id)).toEqual([third.rollout_id]);
  });

  it('refuses bad input as INVALID_ARGUMENT naming the field, and unknown ids as NOT_FOUND', async () => {
    const invalid = await unary(rollouts, 'CreateRollout', { target: { group: 'grpc-prod' }, config_version: baseline, config_yaml: collectorYaml('x') });
    expect(invalid).toMatchObject({ ok: false, error: { code: status.INVALID_ARGUMENT, roostCode: 'request.invalid', roostDetails: { issues: [{ path: 'configVersion' }] }, fieldViolations: ['configVersion'] } });
    const operator = await unary(rollouts, 'CreateRollout', { target: { requirements: { requirements: [{ key: 'service.environment', value: 'x' }] } }, config_version: baseline });
    expect(operator).toMatchObject({ ok: false, error: { code: status.INVALID_ARGUMENT, roostCode: 'request.invalid' } });
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

  it('makes, lists and revokes enrolment tokens; refuses a token for two scopes and an unknown id', async () => {
    const created = await call(enrolment, 'CreateEnrolmentToken', { name: 'host-7', agent_id: '0190b7f8-bb85-72b5-8942-8533325b988a', ttl: duration(3_600_000) });
    expect(created.secret).toMatch(/^roost_et_[0-9a-f]{16}_[-_A-Za-z0-9]{43}$/);
    expect(created.token).toMatchObject({ name: 'host-7', agent_id: '0190b7f8-bb85-72b5-8942-8533325b988a', state: 'ENROLMENT_TOKEN_STATE_ACTIVE', expire_time: { seconds: expect.any(Number) } });
    expect(created.token.expire_time.seconds - created.token.create_time.seconds).toBe(3_600);
    const listed = await call(enrolment, 'ListEnrolmentTokens', {});
    expect(listed.items.map((t: any) => t.id)).toContain(created.token.id);
    const revoked = await call(enrolment, 'RevokeEnrolmentToken', { id: created.token.id });
    expect(revoked.token).toMatchObject({ id: created.token.id, state: 'ENROLMENT_TOKEN_STATE_REVOKED', revoke_time: { seconds: expect.any(Number) } });
    const both = await unary(enrolment, 'CreateEnrolmentToken', { name: 'x', group: 'grpc-prod', agent_id: '0190b7f8-bb85-72b5-8942-8533325b988a' });
    expect(both).toMatchObject({ ok: false, error: { code: status.INVALID_ARGUMENT, roostCode: 'request.invalid' } });
    const unknown = await unary(enrolment, 'RevokeEnrolmentToken', { id: '00000000000000ff' });
    expect(unknown).toMatchObject({ ok: false, error: { code: status.NOT_FOUND, roostCode: 'enrolment.not_found' } });
  });

  it('lists the audit trail of the gRPC writes', async () => {
    const records = await call(audit, 'ListAuditRecords', { limit: 100 });
    expect(records.items.length).toBeGreaterThan(0);
    expect(records.items.every((r: any) => r.transport === 'API_TRANSPORT_GRPC')).toBe(true);
    expect(records.items.map((r: any) => r.operation)).toEqual(expect.arrayContaining(['config.create', 'rollout.start', 'rollout.pause', 'rollout.rollback']));
    expect(records.items.find((r: any) => r.code === 'transition.illegal')).toMatchObject({ outcome: 'AUDIT_OUTCOME_REFUSED', status: 409, operation: 'rollout.pause', time: { seconds: expect.any(Number) } });
    expect(records.items.filter((r: any) => r.operation === 'config.create').at(-1).request.fields).toMatchObject({ name: { stringValue: 'grpc-base' } });
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
    expect(services).toEqual(expect.arrayContaining(['roost.admin.v1.ConfigService', 'roost.admin.v1.AgentService', 'roost.admin.v1.GroupService', 'roost.admin.v1.RolloutService', 'roost.admin.v1.EnrolmentService', 'roost.admin.v1.AuditService', 'grpc.health.v1.Health']));
  });

  it('called every gRPC method of the admin services', () => {
    expect([...called].sort()).toEqual(GRPC_METHODS.map((m) => m.method).sort());
  });
});
