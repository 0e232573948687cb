/**
 * Server reflection as other teams use it: the real grpcurl (built from the Go module proxy,
 * with Go's strict descriptor checks) describes every service and calls every one of them with
 * no .proto file, only what reflection serves. The admin API runs on the in-memory platform
 * with simulated collectors, so answers hold maps, Timestamps, Durations and Structs.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningAdminApi } from '@roost/admin-api';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { contractToolsBin } from '../support/contract-tools';
import { startRoostInProcess, type RoostInProcess } from '../support/roost-in-process';
import { collectorYaml } from './admin-api-test-bed';

jest.setTimeout(120_000);

const run = promisify(execFile);
const SERVICES = ['roost.admin.v1.ConfigService', 'roost.admin.v1.AgentService', 'roost.admin.v1.GroupService', 'roost.admin.v1.RolloutService', 'roost.admin.v1.EnrolmentService', 'roost.admin.v1.AuditService', 'grpc.health.v1.Health'];

describe('gRPC server reflection with grpcurl', () => {
  let grpcurlPath: string;
  let platform: Platform;
  let roost: RoostInProcess;
  let api: RunningAdminApi;

  /** grpcurl's stdout (options, the server, then the verb or method); a failure rejects with its output. */
  async function grpcurl(options: string[], ...args: string[]): Promise<string> {
    try {
      return (await run(grpcurlPath, ['-plaintext', ...options, api.grpcAddress!, ...args], { timeout: 30_000 })).stdout;
    } catch (error) {
      const failed = error as { stderr?: string; stdout?: string; code?: number };
      throw Object.assign(new Error(`grpcurl ${args.join(' ')} exited ${failed.code}: ${failed.stderr ?? ''}${failed.stdout ?? ''}`), { stderr: failed.stderr ?? '', stdout: failed.stdout ?? '' });
    }
  }
  const call = async (method: string, request: object = {}): Promise<any> => JSON.parse(await grpcurl(['-d', JSON.stringify(request)], method));

  beforeAll(async () => {
    grpcurlPath = join(contractToolsBin(), 'grpcurl');
    platform = createMemoryPlatform();
    roost = await startRoostInProcess(platform, { gatewayId: 'gw-grpcurl', group: 'reflect', agents: 3, regions: 'eu-west-1', seed: 'grpcurl' });
    ({ api } = roost);
  });

  afterAll(async () => {
    await roost?.stop();
    await platform?.close();
  });

  it('lists and describes every service and the messages with maps', async () => {
    const listed = (await grpcurl([], 'list')).trim().split('\n');
    expect(listed).toEqual(expect.arrayContaining(SERVICES));
    for (const service of SERVICES) expect(await grpcurl([], 'describe', service)).toContain(`${service} is a service:`);
    const agent = await grpcurl([], 'describe', 'roost.admin.v1.Agent');
    expect(agent).toContain('map<string, string> non_identifying = 8;');
    expect(agent).toContain('.google.protobuf.Timestamp first_seen_time = 16;');
    expect(await grpcurl([], 'describe', 'roost.admin.v1.Rollout')).toContain('map<string, int32> skipped_by = 19;');
    expect(await grpcurl([], 'describe', 'grpc.health.v1.HealthListResponse')).toContain('map<string, .grpc.health.v1.HealthCheckResponse> statuses = 1;');
  });

  it('calls every service without a .proto file', async () => {
    const created = await call('roost.admin.v1.ConfigService/CreateConfig', { name: 'reflected', yaml: collectorYaml('basic') });
    expect(created).toMatchObject({ name: 'reflected', version: 1, created: true });
    expect((await call('roost.admin.v1.ConfigService/GetConfig', { ref: 'reflected' })).config.createTime).toMatch(/^\d{4}-\d\d-\d\dT/);

    const agents = await call('roost.admin.v1.AgentService/ListAgents', { group: 'reflect', health: 'HEALTH_STATE_HEALTHY' });
    expect(agents.total).toBe(3);
    expect(agents.items[0]).toMatchObject({ transport: 'TRANSPORT_WEBSOCKET', nonIdentifying: { 'cloud.region': 'eu-west-1' } });
    expect((await call('roost.admin.v1.AgentService/GetAgent', { agentId: agents.items[0].agentId })).agent.identifying).toEqual({ 'service.environment': 'reflect', ...agents.items[0].identifying });
    expect((await call('roost.admin.v1.GroupService/ListGroups')).groups).toEqual([expect.objectContaining({ group: 'reflect', agents: 3, configs: expect.any(Object) })]);

    const started = await call('roost.admin.v1.RolloutService/CreateRollout', {
      target: { group: 'reflect' },
      configVersion: created.hash,
      acceptKeepNewOnFailure: true,
      plan: [{ count: 1, window: '0.1s' }, { percent: 100 }],
    });
    expect(started.rollout.status).toBe('ROLLOUT_STATUS_IN_PROGRESS');
    const watched = (await grpcurl(['-d', JSON.stringify({ rolloutId: started.rollout.rolloutId })], 'roost.admin.v1.RolloutService/WatchRollout')).trim();
    const last = JSON.parse(watched.slice(watched.lastIndexOf('\n{') + 1));
    expect(last.rollout).toMatchObject({ status: 'ROLLOUT_STATUS_COMPLETED', counts: { applied: 3 } });
    const { rollout } = await call('roost.admin.v1.RolloutService/GetRollout', { rolloutId: started.rollout.rolloutId });
    expect(rollout.phases[0]).toMatchObject({ window: '0.100s', state: 'PHASE_STATE_PASSED' });
    expect(rollout.transitions[0]).toMatchObject({ type: 'RolloutStarted', details: expect.any(Object) });

    const audit = await call('roost.admin.v1.AuditService/ListAuditRecords');
    expect(audit.items.find((record: any) => record.operation === 'config.create')).toMatchObject({ transport: 'API_TRANSPORT_GRPC', outcome: 'AUDIT_OUTCOME_OK', request: { name: 'reflected' } });
    expect(await call('grpc.health.v1.Health/Check', { service: 'roost.admin.v1.RolloutService' })).toEqual({ status: 'SERVING' });
    expect((await call('grpc.health.v1.Health/List')).statuses).toMatchObject({ 'roost.admin.v1.AuditService': { status: 'SERVING' } });
  });

  it('shows a refusal\'s google.rpc.ErrorInfo', async () => {
    const failure = await grpcurl(['-d', '{"rolloutId":"no-such-rollout"}'], 'roost.admin.v1.RolloutService/GetRollout').catch((error: { stdout: string; stderr: string }) => `${error.stderr}${error.stdout}`);
    expect(failure).toContain('Code: NotFound');
    expect(failure).toContain('"@type": "type.googleapis.com/google.rpc.ErrorInfo"');
    expect(failure).toContain('"reason": "ROLLOUT_NOT_FOUND"');
    expect(failure).toContain('"code": "rollout.not_found"');
  });
});
