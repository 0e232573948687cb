/**
 * The admin API on the in-memory platform, in one process with the gateway, orchestrator and
 * projector, as the all-in-one runs it: a rollout started over HTTP completes, watched over gRPC.
 */
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ADMIN_PROTO_FILES, PROTO_LOADER_OPTIONS, type RunningAdminApi } from '@roost/admin-api';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { startRoostInProcess, type RoostInProcess } from '../support/roost-in-process';
import { collectorYaml } from './admin-api-test-bed';

jest.setTimeout(60_000);

describe('admin API on the in-memory platform', () => {
  let platform: Platform;
  let roost: RoostInProcess;
  let api: RunningAdminApi;

  beforeAll(async () => {
    platform = createMemoryPlatform();
    roost = await startRoostInProcess(platform, { gatewayId: 'gw-mem', group: 'laptop', agents: 4, seed: 'memory' });
    ({ api } = roost);
  });

  afterAll(async () => {
    await roost?.stop();
    await platform?.close();
  });

  it('starts a rollout over HTTP and streams it to completion over gRPC', async () => {
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
      stream.on('data', (message: { rollout: { status: string } }) => statuses.push(message.rollout.status));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    client.close();
    expect(statuses[statuses.length - 1]).toBe('ROLLOUT_STATUS_COMPLETED');
    expect(await (await fetch(`${api.url}/api/v1/rollouts/${rolloutId}`)).json()).toMatchObject({ rolloutId, status: 'completed', members: 4, counts: { applied: 4 } });
  });
});
