import type { Logger as PinoLogger } from 'pino';
import { parseTokenList, startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { startProjector, type RunningProjector } from '@roost/projector';
import type { Platform } from '@roost/ports';
import type { RoostSettings, ServiceName } from './command-line';
import { openPlatform, type PlatformEngines } from './open-platform';

/** One address a running service answers on. */
export interface Endpoint {
  readonly service: ServiceName;
  readonly what: string;
  readonly url: string;
}

export interface RunningRoost {
  readonly engines: PlatformEngines;
  /** The ports every service here shares (tests and the demo read views and send commands through it). */
  readonly platform: Platform;
  /** Only endpoints that listen now. */
  readonly endpoints: readonly Endpoint[];
  readonly gateway: RunningGateway | null;
  readonly orchestrator: RunningOrchestrator | null;
  readonly projector: RunningProjector | null;
  readonly adminApi: RunningAdminApi | null;
  /**
   * Graceful stop, at most once: the admin API stops taking requests, the orchestrator finishes its running decisions and releases
   * the lease, the gateway disconnects its agents and writes their events, the projector catches
   * up with everything written, then the platform drains its connections.
   */
  stop(): Promise<void>;
}

/** Longest wait for the projector to apply the events written during the stop. */
const FINAL_CATCH_UP_MS = 5_000;

/**
 * Starts the chosen services on one shared platform, readers first and the gateway last, so
 * agents arrive once everything that reacts to them is up. A failed start stops what started.
 */
export async function startRoost(settings: RoostSettings, logger: PinoLogger): Promise<RunningRoost> {
  const runs = (service: ServiceName): boolean => settings.services.includes(service);
  const { platform, engines } = await openPlatform(settings, logger.child({ component: 'platform' }));
  let projector: RunningProjector | null = null;
  let orchestrator: RunningOrchestrator | null = null;
  let gateway: RunningGateway | null = null;
  let adminApi: RunningAdminApi | null = null;

  const stop = async (): Promise<void> => {
    await adminApi?.stop();
    await orchestrator?.stop();
    await gateway?.stop();
    if (projector !== null) {
      await projector.caughtUp(FINAL_CATCH_UP_MS).catch((error: unknown) => logger.warn({ error: String(error) }, 'projector did not catch up before stopping'));
      await projector.stop();
    }
    await platform.close();
  };

  try {
    if (runs('projector')) {
      projector = await startProjector({ logger: logger.child({ service: 'projector' }), httpPort: settings.projectorPort, httpHost: settings.host }, platform);
    }
    if (runs('orchestrator')) {
      orchestrator = await startOrchestrator(
        { logger: logger.child({ service: 'orchestrator' }), instanceId: settings.orchestratorId, webhooks: settings.webhookUrls.map((url) => ({ url })) },
        platform,
      );
    }
    if (runs('admin-api')) {
      adminApi = await startAdminApi(
        {
          logger: logger.child({ service: 'admin-api' }),
          host: settings.host,
          httpPort: settings.adminPort,
          grpcPort: settings.grpcPort,
          tokens: parseTokenList(settings.apiTokens),
          ...(settings.anonymousRole !== undefined ? { anonymousRole: settings.anonymousRole } : {}),
        },
        platform,
      );
    }
    if (runs('gateway')) {
      gateway = await startGateway(
        {
          logger: logger.child({ service: 'gateway' }),
          port: settings.gatewayPort,
          host: settings.host,
          gatewayId: settings.gatewayId,
          bearerToken: settings.agentToken,
          heartbeatIntervalSeconds: settings.heartbeatSeconds,
        },
        platform,
      );
    }
  } catch (error) {
    await stop().catch((stopError: unknown) => logger.error({ error: String(stopError) }, 'stop after a failed start failed too'));
    throw error;
  }

  let stopping: Promise<void> | null = null;
  return {
    engines,
    platform,
    endpoints: endpointsOf(gateway, projector, adminApi),
    gateway,
    orchestrator,
    projector,
    adminApi,
    stop: () => (stopping ??= stop()),
  };
}

function endpointsOf(gateway: RunningGateway | null, projector: RunningProjector | null, adminApi: RunningAdminApi | null): Endpoint[] {
  const endpoints: Endpoint[] = [];
  if (adminApi !== null) {
    endpoints.push({ service: 'admin-api', what: 'admin API (HTTP)', url: adminApi.url }, { service: 'admin-api', what: 'admin API (OpenAPI)', url: `${adminApi.url}/api/v1/openapi.json` });
    if (adminApi.grpcAddress !== null) endpoints.push({ service: 'admin-api', what: 'admin API (gRPC)', url: adminApi.grpcAddress });
    endpoints.push({ service: 'admin-api', what: 'admin API readiness', url: `${adminApi.url}/readyz` });
  }
  if (gateway !== null) {
    const base = gateway.httpUrl.slice(0, gateway.httpUrl.length - gateway.options.path.length);
    endpoints.push(
      { service: 'gateway', what: 'OpAMP over WebSocket', url: gateway.url },
      { service: 'gateway', what: 'OpAMP over plain HTTP', url: gateway.httpUrl },
      { service: 'gateway', what: 'gateway metrics', url: `${base}/metrics` },
      { service: 'gateway', what: 'gateway readiness', url: `${base}/readyz` },
    );
  }
  if (projector?.url) {
    endpoints.push({ service: 'projector', what: 'projector metrics', url: `${projector.url}/metrics` }, { service: 'projector', what: 'projector readiness', url: `${projector.url}/readyz` });
  }
  return endpoints;
}
