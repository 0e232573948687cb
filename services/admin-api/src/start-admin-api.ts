import { BUCKETS } from '@roost/contracts';
import { silentLogger, type KeyValueStore, type Platform } from '@roost/ports';
import { resolveAdminApiOptions, type AdminApiOptions, type ResolvedAdminApiOptions } from './admin-api-options';
import { AuditLog } from './audit/audit-log';
import { ApiTokens } from './auth/api-tokens';
import { startGrpcServer, type RunningGrpcServer } from './grpc/grpc-server';
import { startHttpServer, type RunningHttpServer } from './http/http-server';
import { auditOperations } from './operations/audit-operations';
import { configOperations } from './operations/config-operations';
import { fleetOperations } from './operations/fleet-operations';
import type { OperationDeps } from './operations/operation-deps';
import { OperationRunner } from './operations/operation-runner';
import { OrchestratorClient } from './operations/orchestrator-client';
import { rolloutOperations } from './operations/rollout-operations';
import { RolloutWatches } from './watch/rollout-watch';

/** The ports the admin API uses: views to read, the bus for commands, the event store for the audit trail, the `configs` bucket to list names. */
export type AdminApiPlatform = Pick<Platform, 'bus' | 'views' | 'events' | 'kv'> & Partial<Pick<Platform, 'health'>>;

export interface RunningAdminApi {
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** `host:port` of the gRPC server; null when gRPC is off. */
  readonly grpcAddress: string | null;
  readonly options: ResolvedAdminApiOptions;
  /** Ends live watches, stops both servers; the platform stays open (its owner closes it). */
  stop(): Promise<void>;
}

/**
 * Starts the admin API: HTTP (JSON under /api/v1, the original POST /api/rollout, SSE, the
 * OpenAPI document) and gRPC (roost.admin.v1, health, reflection) over one set of operations.
 */
export async function startAdminApi(options: AdminApiOptions, platform: AdminApiPlatform): Promise<RunningAdminApi> {
  const resolved = resolveAdminApiOptions(options, silentLogger);
  const { logger } = resolved;
  const tokens = new ApiTokens(resolved.tokens, resolved.anonymousRole);
  if (tokens.size === 0 && resolved.anonymousRole !== null) logger.warn({ anonymousRole: resolved.anonymousRole }, 'admin API has no tokens configured: every request acts as anonymous with this role');
  let configs: Promise<KeyValueStore> | null = null;
  const deps: OperationDeps = {
    views: platform.views,
    orchestrator: new OrchestratorClient(platform.bus, resolved.commandTimeoutMs),
    configs: () => (configs ??= platform.kv.open(BUCKETS.configs.name)),
    events: platform.events,
    settleMs: resolved.settleMs,
  };
  const runner = new OperationRunner(
    [...configOperations(deps), ...fleetOperations(deps), ...rolloutOperations(deps), ...auditOperations(deps)],
    tokens,
    new AuditLog(platform.events, resolved.now, logger),
  );
  const watches = new RolloutWatches(platform.views, resolved.watchIntervalMs, logger);
  const health = async () => (platform.health === undefined ? [] : platform.health());
  const ready = async () => (await health()).every((component) => component.healthy);

  const http: RunningHttpServer = await startHttpServer(resolved.httpPort, resolved.host, {
    runner,
    watches,
    logger,
    maxBodyBytes: resolved.maxBodyBytes,
    ready: async () => {
      const components = await health();
      return { ready: components.every((component) => component.healthy), components };
    },
  });
  let grpc: RunningGrpcServer | null = null;
  try {
    if (resolved.grpcPort !== null) grpc = await startGrpcServer(resolved.grpcPort, resolved.host, { runner, watches, logger, ready });
  } catch (error) {
    await http.close();
    throw error;
  }
  logger.info({ url: http.url, grpc: grpc?.address ?? null, tokens: tokens.size }, 'admin API listening');

  let stopping: Promise<void> | null = null;
  return {
    url: http.url,
    grpcAddress: grpc?.address ?? null,
    options: resolved,
    stop: () =>
      (stopping ??= (async () => {
        watches.closeAll();
        await Promise.all([http.close(), grpc?.close()]);
      })()),
  };
}
