import { BUCKETS } from '@roost/contracts';
import { isLoopbackHost, loadTlsFiles, watchTlsFiles } from '@roost/platform-process';
import { silentLogger, type KeyValueStore, type Platform } from '@roost/ports';
import { viewsState, type ViewsState } from '@roost/views';
import { createAdminMetrics } from './admin-metrics';
import { resolveAdminApiOptions, type AdminApiOptions, type ResolvedAdminApiOptions } from './admin-api-options';
import { AuditLog } from './audit/audit-log';
import { ApiTokens } from './auth/api-tokens';
import { startGrpcServer, type RunningGrpcServer } from './grpc/grpc-server';
import { startHttpServer, type RunningHttpServer } from './http/http-server';
import { auditOperations } from './operations/audit-operations';
import { CONSOLE_BUILD_COMMAND, CONSOLE_DIST_DIR, readConsoleFile } from './http/console-assets';
import { callerOperations } from './operations/caller-operations';
import { configOperations } from './operations/config-operations';
import { enrolmentOperations } from './operations/enrolment-operations';
import { BodyBudget } from './http/body-budget';
import { fleetOperations } from './operations/fleet-operations';
import type { OperationDeps } from './operations/operation-deps';
import { OperationRunner } from './operations/operation-runner';
import { OrchestratorClient } from './operations/orchestrator-client';
import { rolloutOperations } from './operations/rollout-operations';
import { RolloutWatches } from './watch/rollout-watch';

/** The ports the admin API uses: views to read, the bus for commands, the event store for the audit trail, the `configs` bucket to list names, `effective-configs` for what agents run. */
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
  // Unusable TLS files stop the start before anything is opened.
  const tls = resolved.tls === undefined ? null : loadTlsFiles(resolved.tls, ADMIN_TLS_SETTINGS);
  const tokens = new ApiTokens(resolved.tokens, resolved.anonymousRole);
  if (tokens.size === 0 && resolved.anonymousRole !== null) logger.warn({ anonymousRole: resolved.anonymousRole }, 'admin API has no tokens configured: every request acts as anonymous with this role');
  let configs: Promise<KeyValueStore> | null = null;
  let effectiveConfigs: Promise<KeyValueStore> | null = null;
  const deps: OperationDeps = {
    views: platform.views,
    orchestrator: new OrchestratorClient(platform.bus, resolved.commandTimeoutMs),
    configs: () => (configs ??= platform.kv.open(BUCKETS.configs.name)),
    effectiveConfigs: () => (effectiveConfigs ??= platform.kv.open(BUCKETS.effectiveConfigs.name)),
    events: platform.events,
    settleMs: resolved.settleMs,
  };
  const metrics = createAdminMetrics();
  const runner = new OperationRunner(
    [...configOperations(deps), ...fleetOperations(deps), ...rolloutOperations(deps), ...enrolmentOperations(deps), ...auditOperations(deps), ...callerOperations()],
    tokens,
    new AuditLog(platform.events, resolved.now, logger),
    () => viewsState(platform.views),
    (request) => metrics.observe(request),
  );
  const watches = new RolloutWatches(platform.views, resolved.watchIntervalMs, logger);
  const health = async () => (platform.health === undefined ? [] : platform.health());
  // Ready once every component is healthy and the views are built (never while being rebuilt).
  const readiness = async () => {
    const [components, views] = await Promise.all([health(), viewsState(platform.views).catch((): ViewsState | 'unknown' => 'unknown')]);
    return { ready: views === 'built' && components.every((component) => component.healthy), views, components };
  };
  const ready = async () => (await readiness()).ready;

  const bodyBudget = new BodyBudget(resolved.bodyBudgetBytes, { logger, now: Date.now, refused: () => metrics.bodyRefused() });
  metrics.watchBodies(() => bodyBudget.used, resolved.bodyBudgetBytes);
  const http: RunningHttpServer = await startHttpServer(resolved.httpPort, resolved.host, {
    runner,
    watches,
    logger,
    maxBodyBytes: resolved.maxBodyBytes,
    bodyBudget,
    requestTimeoutMs: resolved.requestTimeoutMs,
    tls,
    ready: readiness,
    metrics: metrics.registry,
    consoleDir: CONSOLE_DIST_DIR,
  });
  let grpc: RunningGrpcServer | null = null;
  try {
    if (resolved.grpcPort !== null) grpc = await startGrpcServer(resolved.grpcPort, resolved.host, { runner, watches, logger, ready, tls, maxMessageBytes: resolved.maxBodyBytes });
  } catch (error) {
    await http.close();
    throw error;
  }
  logger.info({ url: http.url, grpc: grpc?.address ?? null, tokens: tokens.size, tls: tls?.fingerprint ?? null, mtls: tls !== null && tls.clientCa !== null }, 'admin API listening');
  if ((await readConsoleFile(CONSOLE_DIST_DIR, '/')).kind === 'not_built') {
    logger.warn({ dir: CONSOLE_DIST_DIR }, `the web console is not built: ${http.url}/ says so until \`${CONSOLE_BUILD_COMMAND}\` has run (npm start runs it when needed)`);
  }
  if (tls === null && !isLoopbackHost(resolved.host)) {
    logger.warn({ host: resolved.host }, `admin API listens on ${resolved.host} without TLS: tokens travel in clear; set ${ADMIN_TLS_SETTINGS.cert} and ${ADMIN_TLS_SETTINGS.key}, or terminate TLS in front of it`);
  }
  const stopTls =
    resolved.tls === undefined
      ? () => undefined
      : watchTlsFiles(
          resolved.tls,
          ADMIN_TLS_SETTINGS,
          resolved.tlsReloadIntervalMs,
          (material) => {
            http.reloadTls(material);
            grpc?.reloadTls(material);
            logger.info({ fingerprint: material.fingerprint, notAfter: material.notAfter }, 'admin API TLS certificate reloaded');
          },
          (error) => logger.error({ err: error.message }, 'admin API TLS files changed but cannot be used; the current certificate stays'),
        );

  let stopping: Promise<void> | null = null;
  return {
    url: http.url,
    grpcAddress: grpc?.address ?? null,
    options: resolved,
    stop: () =>
      (stopping ??= (async () => {
        watches.closeAll();
        stopTls();
        await Promise.all([http.close(), grpc?.close()]);
      })()),
  };
}

/** The environment variables naming the admin API's TLS files (errors name them). */
const ADMIN_TLS_SETTINGS = { cert: 'ADMIN_TLS_CERT_FILE', key: 'ADMIN_TLS_KEY_FILE', clientCa: 'ADMIN_TLS_CLIENT_CA_FILE' };
