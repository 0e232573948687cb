import type { DynamicModule } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { AdminApiModule, parseTokenList, RUNNING_ADMIN_API, type RunningAdminApi } from '@roost/admin-api';
import { GatewayModule, RUNNING_GATEWAY, type RunningGateway } from '@roost/gateway';
import { OrchestratorModule, RUNNING_ORCHESTRATOR, type RunningOrchestrator } from '@roost/orchestrator';
import { bootServices, PLATFORM } from '@roost/platform-nest';
import { ProjectorModule, RUNNING_PROJECTOR, type RunningProjector } from '@roost/projector';
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

/** Longest wait, on in-memory engines, for the orchestrator to lead before Roost says it is ready. */
const FIRST_LEADERSHIP_MS = 15_000;

/** Readers first and the gateway last, so agents arrive once everything that reacts to them is up. */
const START_ORDER: readonly ServiceName[] = ['projector', 'orchestrator', 'admin-api', 'gateway'];
/** Requests end first, then decisions, then agents; the projector last, once it has caught up. */
const STOP_ORDER: readonly ServiceName[] = ['admin-api', 'orchestrator', 'gateway', 'projector'];

/**
 * Starts the chosen services on one shared platform, as one Nest application context of their
 * modules, one after another in `START_ORDER`. A failed start stops what started.
 */
export async function startRoost(settings: RoostSettings, logger: PinoLogger): Promise<RunningRoost> {
  const runs = (service: ServiceName): boolean => settings.services.includes(service);
  const opened: { engines?: PlatformEngines } = {};
  const open = async (): Promise<Platform> => {
    const { platform, engines } = await openPlatform(settings, logger.child({ component: 'platform' }));
    opened.engines = engines;
    return platform;
  };
  const app = await bootServices({
    startOrder: START_ORDER.filter(runs),
    stopOrder: STOP_ORDER,
    platform: { open },
    services: START_ORDER.filter(runs).map((service) => serviceModule(service, settings, logger)),
    logger,
  });
  const running = <T>(service: ServiceName, token: symbol): T | null => (runs(service) ? app.get<T>(token) : null);
  const gateway = running<RunningGateway>('gateway', RUNNING_GATEWAY);
  const projector = running<RunningProjector>('projector', RUNNING_PROJECTOR);
  const adminApi = running<RunningAdminApi>('admin-api', RUNNING_ADMIN_API);
  const orchestrator = running<RunningOrchestrator>('orchestrator', RUNNING_ORCHESTRATOR);
  const engines = opened.engines as PlatformEngines;
  // Alone on in-memory engines the orchestrator surely leads, within moments: "ready" waits for
  // it, or the first command would find nobody to answer. (On NATS another process may lead.)
  if (orchestrator !== null && engines.streams === 'memory') await firstLeadership(orchestrator, logger);
  let stopping: Promise<void> | null = null;
  return {
    engines,
    platform: app.get<Platform>(PLATFORM),
    endpoints: endpointsOf(gateway, projector, adminApi, orchestrator),
    gateway,
    orchestrator,
    projector,
    adminApi,
    stop: () => (stopping ??= app.close()),
  };
}

async function firstLeadership(orchestrator: RunningOrchestrator, logger: PinoLogger): Promise<void> {
  const deadline = Date.now() + FIRST_LEADERSHIP_MS;
  while (!orchestrator.isLeader()) {
    if (Date.now() > deadline) return void logger.warn({ waitedMs: FIRST_LEADERSHIP_MS }, 'the orchestrator does not lead yet; commands answer 503 until it does');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A service's Nest module, configured from the settings. */
function serviceModule(service: ServiceName, settings: RoostSettings, logger: PinoLogger): DynamicModule {
  switch (service) {
    case 'projector':
      return ProjectorModule.forRoot({
        logger: logger.child({ service: 'projector' }),
        httpPort: settings.projectorPort,
        httpHost: settings.host,
        beforeStop: (projector) => projector.caughtUp(FINAL_CATCH_UP_MS).catch((error: unknown) => logger.warn({ error: String(error) }, 'projector did not catch up before stopping')),
      });
    case 'orchestrator':
      return OrchestratorModule.forRoot({
        logger: logger.child({ service: 'orchestrator' }),
        instanceId: settings.orchestratorId,
        webhooks: settings.webhookUrls.map((url) => ({ url, ...(settings.webhookSecret !== undefined ? { secret: settings.webhookSecret } : {}) })),
        metricsPort: settings.orchestratorPort,
        metricsHost: settings.host,
      });
    case 'admin-api':
      return AdminApiModule.forRoot({
        logger: logger.child({ service: 'admin-api' }),
        host: settings.host,
        httpPort: settings.adminPort,
        grpcPort: settings.grpcPort,
        tokens: parseTokenList(settings.apiTokens),
        bodyBudgetBytes: settings.adminBodyBudgetBytes,
        ...(settings.adminTls !== undefined ? { tls: settings.adminTls } : {}),
        ...(settings.anonymousRole !== undefined ? { anonymousRole: settings.anonymousRole } : {}),
      });
    case 'gateway':
      return GatewayModule.forRoot({
        logger: logger.child({ service: 'gateway' }),
        port: settings.gatewayPort,
        host: settings.host,
        gatewayId: settings.gatewayId,
        bearerToken: settings.agentToken,
        requireEnrolment: settings.requireEnrolment,
        ...(settings.tokenHandover !== undefined ? { tokenHandover: settings.tokenHandover } : {}),
        heartbeatIntervalSeconds: settings.heartbeatSeconds,
        ownMetrics: settings.ownMetrics,
        ...(settings.ownMetricsEndpoint !== undefined ? { ownMetricsEndpoint: settings.ownMetricsEndpoint } : {}),
        ...(settings.ownMetricsKey !== undefined ? { ownMetricsKey: settings.ownMetricsKey } : {}),
        maxMessageBytes: settings.gatewayMaxMessageBytes,
        ...(settings.gatewayTls !== undefined ? { tls: settings.gatewayTls } : {}),
        ...(settings.gatewayMemoryBudgetBytes !== undefined ? { memoryBudgetBytes: settings.gatewayMemoryBudgetBytes } : {}),
      });
  }
}

function endpointsOf(gateway: RunningGateway | null, projector: RunningProjector | null, adminApi: RunningAdminApi | null, orchestrator: RunningOrchestrator | null): Endpoint[] {
  const endpoints: Endpoint[] = [];
  if (adminApi !== null) {
    endpoints.push({ service: 'admin-api', what: 'admin API (HTTP)', url: adminApi.url }, { service: 'admin-api', what: 'web console', url: `${adminApi.url}/` });
    endpoints.push({ service: 'admin-api', what: 'admin API (OpenAPI)', url: `${adminApi.url}/api/v1/openapi.json` });
    endpoints.push({ service: 'admin-api', what: 'admin API metrics', url: `${adminApi.url}/metrics` });
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
  if (orchestrator?.metricsUrl) endpoints.push({ service: 'orchestrator', what: 'orchestrator metrics', url: `${orchestrator.metricsUrl}/metrics` });
  if (projector?.url) {
    endpoints.push({ service: 'projector', what: 'projector metrics', url: `${projector.url}/metrics` }, { service: 'projector', what: 'projector readiness', url: `${projector.url}/readyz` });
  }
  return endpoints;
}
