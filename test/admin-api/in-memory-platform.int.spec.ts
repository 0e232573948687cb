/**
 * The admin API on the in-memory platform, in one process with the gateway, orchestrator and
 * projector, as the all-in-one runs it: a rollout started over HTTP completes, watched over gRPC.
 */
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ADMIN_PROTO_FILES, PROTO_LOADER_OPTIONS, startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { startFleet, type RunningFleet } from '@roost/fleet-simulator';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { startProjector, type RunningProjector } from '@roost/projector';
import { eventually } from '@roost/testing';
import { collectorYaml } from './admin-api-test-bed';

jest.setTimeout(60_000);

describe('admin API on the in-memory platform', () => {
  let platform: Platform;
  let projector: RunningProjector;
  let orchestrator: RunningOrchestrator;
  let gateway: RunningGateway;
  let api: RunningAdminApi;
  let fleet: RunningFleet;

  beforeAll(async () => {
    platform = createMemoryPlatform();
    projector = await startProjector({}, platform);
    orchestrator = await startOrchestrator({}, platform);
    await eventually(() => orchestrator.isLeader(), { timeoutMs: 10_000 });
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-mem', heartbeatIntervalSeconds: null, pingIntervalMs: 60_000 }, platform);
    api = await startAdminApi({ httpPort: 0, grpcPort: 0, watchIntervalMs: 50 }, platform);
    fleet = await startFleet({ urls: [gateway.url], agents: 4, environments: 'laptop', applyDelayMs: { min: 5, max: 20 }, seed: 'memory' });
    await fleet.waitUntilConnected(4, 10_000);
  });

  afterAll(async () => {
    await fleet?.stop();
    await api?.stop();
    await gateway?.stop();
    await orchestrator?.stop();
    await projector?.stop();
    await platform?.close();
  });

  it('starts a rollout over HTTP and streams it to completion over gRPC', async () => {
    await eventually(async () => ((await (await fetch(`${api.url}/api/v1/groups/laptop`)).json()) as { connected?: number }).connected === 4, { timeoutMs: 10_000, what: 'four agents in the views' });
    const response = await fetch(`${api.url}/api/v1/rollouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: { group: 'laptop' }, configYaml: collectorYaml('basic'), acceptKeepNewOnFailure: true, plan: [{ count: 1, windowMs: 100 }, { percent: 100 }] }),
    });
    expect(response.status).toBe(201);
    const { rolloutId } = (await response.json()) as { rolloutId: string };

    const loaded: any = loadPackageDefinition(loadSync(ADMIN_PROTO_FILES, PROTO_LOADER_OPTIONS));
    const client = new loaded.roost.admin.v1.RolloutService(api.grpcAddress, credentials.createInsecure());
    const statuses: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = client.WatchRollout({ rollout_id: rolloutId });
      stream.on('data', (message: { status: string }) => statuses.push(message.status));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    client.close();
    expect(statuses[statuses.length - 1]).toBe('completed');
    expect(await (await fetch(`${api.url}/api/v1/rollouts/${rolloutId}`)).json()).toMatchObject({ status: 'completed', updated_agents: 4, total_agents: 4 });
  });
});
