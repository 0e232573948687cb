/**
 * Roost for the collector suites: gateway, orchestrator, projector and admin API in this process
 * on the in-memory platform (the all-in-one's shape), and a small client of its admin HTTP API,
 * the one an operator uses. The fleet harness only needs the OpAMP URLs, so it runs the same
 * against any running Roost.
 */
import { startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { startGateway, type GatewayOptions, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { startProjector, type RunningProjector } from '@roost/projector';
import { eventually } from '@roost/testing';

export interface RoostUnderTest {
  /** OpAMP over WebSocket. */
  readonly wsUrl: string;
  /** OpAMP over plain HTTP. */
  readonly httpUrl: string;
  readonly api: AdminClient;
  readonly gateway: RunningGateway;
  /** The in-memory platform it runs on (a test may listen on its bus). */
  readonly platform: Platform;
  stop(): Promise<void>;
}

export async function startRoostUnderTest(gatewayOptions: Partial<GatewayOptions> = {}): Promise<RoostUnderTest> {
  const platform: Platform = createMemoryPlatform();
  const started: { projector?: RunningProjector; orchestrator?: RunningOrchestrator; adminApi?: RunningAdminApi; gateway?: RunningGateway } = {};
  const stop = async () => {
    await started.adminApi?.stop();
    await started.orchestrator?.stop();
    await started.gateway?.stop();
    await started.projector?.stop();
    await platform.close();
  };
  try {
    started.projector = await startProjector({}, platform);
    started.orchestrator = await startOrchestrator({ instanceId: 'orchestrator-collectors' }, platform);
    const orchestrator = started.orchestrator;
    await eventually(() => orchestrator.isLeader(), { timeoutMs: 10_000, what: 'the orchestrator to lead' });
    started.adminApi = await startAdminApi({ httpPort: 0, grpcPort: null, watchIntervalMs: 100 }, platform);
    started.gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-collectors', heartbeatIntervalSeconds: 1, ...gatewayOptions }, platform);
  } catch (error) {
    await stop();
    throw error;
  }
  return { wsUrl: started.gateway.url, httpUrl: started.gateway.httpUrl, api: new AdminClient(started.adminApi.url), gateway: started.gateway, platform, stop };
}

/** The admin API answered with an error status; `body` is its JSON error. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
  }
}

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class AdminClient {
  constructor(readonly baseUrl: string) {}

  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Json> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Json;
    if (!response.ok) throw new AdminApiError(response.status, json, `${method} ${path}`);
    return json;
  }

  /** Stores YAML as the next version of `name`; returns its hash and version. */
  createConfig(name: string, yaml: string): Promise<Json> {
    return this.request('POST', '/configs', { name, yaml });
  }

  startRollout(body: Json): Promise<Json> {
    return this.request('POST', '/rollouts', body);
  }

  rollout(rolloutId: string): Promise<Json> {
    return this.request('GET', `/rollouts/${encodeURIComponent(rolloutId)}`);
  }

  rolloutAgents(rolloutId: string): Promise<Json[]> {
    return this.request('GET', `/rollouts/${encodeURIComponent(rolloutId)}/agents?limit=1000`).then((page) => page['items'] as Json[]);
  }

  agent(agentId: string): Promise<Json> {
    return this.request('GET', `/agents/${encodeURIComponent(agentId)}`);
  }

  group(group: string): Promise<Json> {
    return this.request('GET', `/groups/${encodeURIComponent(group)}`);
  }

  /** Waits until the rollout has ended (any terminal status) and returns it. */
  async rolloutEnded(rolloutId: string, timeoutMs: number): Promise<Json> {
    return eventually(
      async () => {
        const rollout = await this.rollout(rolloutId);
        return ['completed', 'rolled_back', 'aborted', 'failed'].includes(String(rollout['status'])) ? rollout : undefined;
      },
      { timeoutMs, intervalMs: 200, what: `rollout ${rolloutId} to end` },
    );
  }
}
