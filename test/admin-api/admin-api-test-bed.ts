import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ADMIN_PACKAGE, ADMIN_PROTO_FILES, decodeStatusDetails, ERROR_DOMAIN, PROTO_LOADER_OPTIONS, startAdminApi, type AdminApiOptions, type RunningAdminApi } from '@roost/admin-api';
import { startFleet, type FleetOptions, type RunningFleet } from '@roost/fleet-simulator';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { connectNatsPlatform } from '@roost/platform-nats';
import { createRedisViewStore } from '@roost/platform-redis';
import type { Platform } from '@roost/ports';
import { startProjector, type RunningProjector } from '@roost/projector';
import { eventually, startNatsServer, startRedisServer, type TestServer } from '@roost/testing';

export { collectorYaml, TEST_TIMING } from '../support/collector-config';

export interface HttpAnswer<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/**
 * One suite's Roost on real servers: a private nats-server and redis-server, and the gateway,
 * orchestrator, projector and admin API started in-process, each on its own connections as in
 * production; simulated collectors speak OpAMP over WebSocket to the gateway.
 */
export class AdminApiTestBed {
  readonly fleets: RunningFleet[] = [];
  private readonly platforms: Platform[] = [];
  private readonly clients: Client[] = [];
  private constructor(
    readonly nats: TestServer,
    readonly redis: TestServer,
    readonly gateway: RunningGateway,
    readonly orchestrator: RunningOrchestrator,
    readonly projector: RunningProjector,
    readonly api: RunningAdminApi,
    /** A platform of the test's own (reads views, events and buckets directly). */
    readonly client: Platform,
    platforms: Platform[],
  ) {
    this.platforms = platforms;
  }

  static async start(options: AdminApiOptions = {}): Promise<AdminApiTestBed> {
    const [nats, redis] = await Promise.all([startNatsServer(), startRedisServer()]);
    const platform = async (name: string): Promise<Platform> => connectNatsPlatform({ url: nats.url, name, views: await createRedisViewStore({ url: redis.url, name }) });
    const [projectorPlatform, orchestratorPlatform, gatewayPlatform, apiPlatform, client] = await Promise.all(['projector', 'orchestrator', 'gateway', 'admin-api', 'test'].map(platform));
    const projector = await startProjector({}, projectorPlatform!);
    const orchestrator = await startOrchestrator({ instanceId: 'orchestrator-admin-tests' }, orchestratorPlatform!);
    await eventually(() => orchestrator.isLeader(), { timeoutMs: 15_000, what: 'the orchestrator to lead' });
    const gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-admin', heartbeatIntervalSeconds: null, pingIntervalMs: 60_000 }, gatewayPlatform!);
    const api = await startAdminApi({ httpPort: 0, grpcPort: 0, watchIntervalMs: 100, ...options }, apiPlatform!);
    return new AdminApiTestBed(nats, redis, gateway, orchestrator, projector, api, client!, [projectorPlatform!, orchestratorPlatform!, gatewayPlatform!, apiPlatform!]);
  }

  /** Connects simulated collectors and waits until the views count them connected in their group. */
  async fleet(options: Omit<FleetOptions, 'urls'> & { environments: string }): Promise<RunningFleet> {
    const fleet = await startFleet({ urls: [this.gateway.url], applyDelayMs: { min: 10, max: 60 }, ...options });
    this.fleets.push(fleet);
    await fleet.waitUntilConnected(options.agents, 15_000);
    const groups = options.environments.split(',').map((share) => share.split(':')[0] as string);
    await eventually(
      async () => {
        const counts = await Promise.all(groups.map(async (group) => (await this.http('GET', `/api/v1/groups/${group}`)).body?.connected ?? 0));
        return counts.reduce((sum: number, n: number) => sum + n, 0) >= options.agents;
      },
      { timeoutMs: 15_000, what: `${options.agents} agents of ${groups.join(', ')} in the views` },
    );
    return fleet;
  }

  async http<T = any>(method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string; contentType?: string } = {}): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${this.api.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** A gRPC client of one `roost.admin.v1` service (or `grpc.health.v1.Health`, …, by full name). */
  grpcClient(service: string): Client & Record<string, any> {
    const definition = loadSync([...ADMIN_PROTO_FILES, 'grpc/reflection/v1/reflection.proto'], {
      ...PROTO_LOADER_OPTIONS,
      includeDirs: [...PROTO_LOADER_OPTIONS.includeDirs, `${require.resolve('@grpc/reflection/package.json').replace(/package\.json$/, '')}build/proto`],
    });
    const name = service.includes('.') ? service : `${ADMIN_PACKAGE}.${service}`;
    let node: any = loadPackageDefinition(definition);
    for (const part of name.split('.')) node = node[part];
    const client = new node(this.api.grpcAddress, credentials.createInsecure()) as Client & Record<string, any>;
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.close();
    await Promise.all(this.fleets.map((fleet) => fleet.stop()));
    await this.api.stop();
    await this.orchestrator.stop();
    await this.gateway.stop();
    await this.projector.stop();
    await Promise.all([...this.platforms, this.client].map((platform) => platform.close()));
    await Promise.all([this.nats.stop(), this.redis.stop()]);
  }
}

/** Metadata carrying a bearer token (none when undefined). */
export function tokenMetadata(token: string | undefined): Metadata {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

export interface GrpcFailure {
  readonly code: number;
  readonly details: string;
  /** Roost's error code, from the google.rpc.ErrorInfo in `grpc-status-details-bin`. */
  readonly roostCode: string | null;
  /** Roost's error details, from the ErrorInfo's metadata (JSON values decoded). */
  readonly roostDetails: Record<string, unknown> | null;
  /** The ErrorInfo's reason, e.g. `ROLLOUT_NOT_FOUND`. */
  readonly reason: string | null;
  /** Fields a google.rpc.BadRequest named. */
  readonly fieldViolations: readonly string[];
}

/** Calls a unary method; resolves with the response or the failure (with Roost's error code and details). */
export function unary<T = any>(client: Record<string, any>, method: string, request: object, token?: string): Promise<{ ok: true; value: T } | { ok: false; error: GrpcFailure }> {
  return new Promise((resolve) => {
    client[method](request, tokenMetadata(token), (error: ServiceError | null, value: T) => {
      if (error === null) return resolve({ ok: true, value });
      resolve({ ok: false, error: grpcFailure(error) });
    });
  });
}

export function grpcFailure(error: ServiceError): GrpcFailure {
  const [bytes] = error.metadata?.get('grpc-status-details-bin') ?? [];
  const decoded = bytes === undefined ? null : decodeStatusDetails(bytes as Buffer);
  const info = decoded?.errorInfo?.domain === ERROR_DOMAIN ? decoded.errorInfo : null;
  const json = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  const { code: roostCode, ...rest } = info?.metadata ?? {};
  return {
    code: error.code,
    details: error.details,
    roostCode: roostCode ?? null,
    roostDetails: info === null ? null : Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, json(value)])),
    reason: info?.reason ?? null,
    fieldViolations: decoded?.badRequest?.field_violations.map((violation) => violation.field) ?? [],
  };
}

/** Reads a server-sent-events response until it ends (or `until` says stop); returns the events. */
export async function readEvents(response: Response, until: (event: { event: string; data: string }) => boolean = () => false): Promise<{ event: string; id: string | null; data: string }[]> {
  const events: { event: string; id: string | null; data: string }[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let split: number;
    while ((split = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, split);
      buffer = buffer.slice(split + 2);
      const fields = Object.fromEntries(block.split('\n').filter((line) => line !== '' && !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]));
      if (fields.event === undefined) continue;
      const event = { event: fields.event, id: fields.id ?? null, data: fields.data ?? '' };
      events.push(event);
      if (until(event)) {
        await reader.cancel();
        return events;
      }
    }
  }
  return events;
}
