import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { v7 as uuidv7 } from 'uuid';
import { BUCKETS } from '@roost/contracts';
import { silentLogger, type Platform } from '@roost/ports';
import type { InvariantViolation } from '@roost/rollout';
import type { Registry } from 'prom-client';
import type { CommandServer, CommandServerFactory } from './commands/command-deps';
import { startCommandMicroservice } from './commands/command-microservice';
import { ConfigStore } from './configs/config-store';
import { EnrolmentTokenStore } from './enrolment/enrolment-token-store';
import { startFleetFeed, type FleetFeed, type FleetFeedStatus } from './fleet/fleet-feed';
import { FleetView } from './fleet/fleet-view';
import { GatewayLiveness } from './fleet/gateway-liveness';
import { watchGatewayPresence } from './fleet/presence-watch';
import { LeaderLease } from './leadership/leader-lease';
import { WebhookNotifier } from './notify/webhook-notifier';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { createOrchestratorMetrics } from './orchestrator-metrics';
import { resolveOrchestratorOptions, type OrchestratorOptions, type ResolvedOrchestratorOptions } from './orchestrator-options';
import { DesiredMirror } from './rollouts/desired-mirror';
import { createDesiredWriter } from './rollouts/desired-writer';
import { RolloutRegistry } from './rollouts/rollout-registry';
import { RolloutStore } from './rollouts/rollout-store';
import { refusalGauge, refuseToLead, UnreadableHistoryError } from './rollouts/unreadable-history';
import { startInvariantMonitor } from './truth/invariant-monitor';
import { listenForTelemetry, TelemetryWindows } from './telemetry/telemetry-windows';
import { CollectorErrorLog, listenForCollectorErrors } from './telemetry/collector-error-log';

/** Error records of its own logs kept per agent: a failure reads those since the push (a crash logs one or two). */
const COLLECTOR_ERRORS_PER_AGENT = 16;

/** The ports the orchestrator uses. */
export type OrchestratorPlatform = Pick<Platform, 'bus' | 'events' | 'kv'>;

export interface RunningOrchestrator {
  readonly instanceId: string;
  readonly options: ResolvedOrchestratorOptions;
  /** True once this process leads and has taken over every rollout (it then answers commands). */
  isLeader(): boolean;
  /** Agents in the fleet view. */
  fleetSize(): number;
  /** Ids of the active rollouts this leader runs (empty on a standby). */
  activeRollouts(): string[];
  /** Prometheus metrics (`roost_invariant_violations_total{rule}`, `roost_fleet_feed_losses_total`, `roost_fleet_view_caught_up`, …). */
  readonly metrics: Registry;
  /** Base URL of `/metrics` and `/healthz` when `metricsPort` was given, else null. */
  readonly metricsUrl: string | null;
  /** Runs the invariant checker now (the leader; a standby finds nothing) and returns every violation it sees. */
  checkInvariants(): InvariantViolation[];
  /** Whether the fleet view is caught up with FLEET_EVENTS, and whether its reader was lost. */
  fleetFeed(): FleetFeedStatus;
  /** Resolves once queued rollout work, desired writes and webhooks have settled (tests, benchmarks). */
  idle(): Promise<void>;
  /** Stops serving, lets running decisions finish, and releases the lease so a standby takes over at once. */
  stop(): Promise<void>;
}

/**
 * Starts an orchestrator process: the fleet view (rebuilt from FLEET_EVENTS, kept live with
 * gateway presence), config versions, and a campaign for the lease. Leader and standby keep
 * the same view; only the leader runs rollouts and answers commands, through the command
 * server `serveCommands` sets up: by default the Nest controllers over the bus transport.
 */
export async function startOrchestrator(
  options: OrchestratorOptions,
  platform: OrchestratorPlatform,
  serveCommands: CommandServerFactory = startCommandMicroservice,
): Promise<RunningOrchestrator> {
  const resolved = resolveOrchestratorOptions(options, {
    instanceId: () => `orchestrator-${hostname().replace(/[^-_A-Za-z0-9]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`,
    newRolloutId: () => uuidv7(),
    logger: silentLogger,
  });
  const { logger, now, instanceId } = resolved;
  const [desiredBucket, configsBucket, gatewaysBucket, leasesBucket, enrolmentBucket] = await Promise.all(
    [BUCKETS.agentDesired, BUCKETS.configs, BUCKETS.gateways, BUCKETS.leases, BUCKETS.enrolmentTokens].map((bucket) => platform.kv.open(bucket.name)),
  );
  const view = new FleetView(new GatewayLiveness(resolved.presenceTimeoutMs, now));
  const configs = new ConfigStore(configsBucket, now);
  const mirror = new DesiredMirror(desiredBucket, logger);
  await Promise.all([configs.start(), mirror.start()]);

  let lease: LeaderLease | null = null;
  const store = new RolloutStore(platform.events, () => lease?.canAct() === true, logger);
  const writeDesired = createDesiredWriter(desiredBucket, platform.bus, mirror, {
    batchSize: resolved.nudgeBatchSize,
    concurrency: resolved.desiredWriteConcurrency,
    now,
    logger,
    gatewayOf: (agentId) => view.gatewayOf(agentId),
  });
  const notifier = new WebhookNotifier({ targets: resolved.webhooks, attempts: resolved.webhookAttempts, backoffMs: resolved.webhookBackoffMs, timeoutMs: resolved.webhookTimeoutMs, logger });
  const metrics = createOrchestratorMetrics();
  // Gates and deadlines are judged only on a fleet view caught up with FLEET_EVENTS (issue 14,
  // defect 1); the feed starts below, and the registry acts only once this process leads.
  let feed: FleetFeed | null = null;
  const fleetCaughtUp = (): boolean => feed?.caughtUp() === true;
  // Agents' own metrics, for data-plane gates: every instance listens, so a standby takes over with the windows.
  const telemetry = new TelemetryWindows({ maxAgents: resolved.telemetryMaxAgents, samplesPerAgent: resolved.telemetrySamplesPerAgent });
  const telemetrySubscription = listenForTelemetry(platform.bus, telemetry, logger);
  const collectorErrors = new CollectorErrorLog({ maxAgents: resolved.telemetryMaxAgents, recordsPerAgent: COLLECTOR_ERRORS_PER_AGENT });
  const collectorErrorsSubscription = listenForCollectorErrors(platform.bus, collectorErrors, logger);
  const registry = new RolloutRegistry({ view, configs, store, mirror, writeDesired, notifier, metrics, fleetCaughtUp, telemetry: telemetry.figuresOf((agentId) => view.agent(agentId)), collectorErrors: collectorErrors.errorsOf((agentId) => view.agent(agentId)), now, logger });
  const invariants = startInvariantMonitor({ rollouts: () => (serving ? registry.rolloutStates() : null), mirror, view, metrics, logger, intervalMs: resolved.invariantCheckMs });
  const enrolment = new EnrolmentTokenStore({ bucket: enrolmentBucket, now, randomBytes: (size) => randomBytes(size) });
  const commands: CommandServer = await serveCommands({ bus: platform.bus, registry, configs, view, enrolment, newRolloutId: resolved.newRolloutId, logger, metrics });

  let leading = false;
  const presence = await watchGatewayPresence(
    gatewaysBucket,
    view.gateways,
    resolved.presenceSweepMs,
    { gone: (gatewayId) => leading && registry.gatewayChanged(gatewayId), revived: (gatewayId) => leading && registry.gatewayChanged(gatewayId) },
    logger,
  );
  const feedOptions = { lagCheckMs: resolved.fleetLagCheckMs, freshnessMs: resolved.fleetFreshnessMs, logger, now, metrics: metrics.registry };
  const started = await startFleetFeed(platform.events, view, feedOptions, (event) => {
    resolved.onFleetEvent?.(event);
    if (leading) registry.observe(event);
  });
  feed = started;

  // Gateways known only from replayed history and silent since are gone before anyone leads.
  for (const gatewayId of view.gateways.sweep()) logger.info({ gatewayId }, 'gateway from the fleet history has no live presence; its agents count as disconnected');

  let serving = false;
  metrics.watch({ isLeader: () => serving, rolloutCounts: () => (serving ? registry.rolloutCounts() : null), rolloutsHeld: () => (serving ? (registry.rolloutStates()?.size ?? 0) : 0) });
  const metricsServer = await serveMetrics(resolved, metrics.registry);
  const refusing = refusalGauge(metrics.registry);
  const elected = async (): Promise<void> => {
    leading = true;
    try {
      await registry.takeover(() => lease?.canAct() === true);
    } catch (error) {
      if (!(error instanceof UnreadableHistoryError)) throw error;
      // A newer Roost wrote the history: stop campaigning and hand the lease back at once.
      leading = false;
      refuseToLead(error, refusing, logger);
      void lease?.stop();
      return;
    }
    if (!leading || lease?.canAct() !== true) return;
    commands.serve();
    // Leading is said once the server has the subscriptions: a request sent right after (from
    // another connection) could otherwise find no responder.
    await platform.bus.flush().catch((error: unknown) => logger.warn({ err: String(error) }, 'could not flush the command subscriptions'));
    if (!leading) return;
    serving = true;
    logger.info({ instanceId, activeRollouts: registry.activeRollouts.length }, 'orchestrator leading: answering commands');
  };
  const deposed = (): void => {
    leading = false;
    serving = false;
    commands.pause();
    registry.stopAll();
  };
  lease = new LeaderLease(leasesBucket, { key: resolved.leaseKey, holder: instanceId, ttlMs: resolved.leaseTtlMs, renewMs: resolved.leaseRenewMs, retryMs: resolved.leaseRetryMs, now, logger }, { elected, deposed });
  lease.start();
  logger.info({ instanceId, agents: view.size }, 'orchestrator started; campaigning for the lease');

  let stopping: Promise<void> | null = null;
  return {
    instanceId,
    options: resolved,
    isLeader: () => serving,
    fleetSize: () => view.size,
    activeRollouts: () => registry.activeRollouts,
    metrics: metrics.registry,
    metricsUrl: metricsServer?.url ?? null,
    checkInvariants: () => invariants.check(),
    fleetFeed: () => started.status(),
    idle: async () => {
      await registry.idle();
      await notifier.idle();
    },
    stop: () => {
      stopping ??= (async () => {
        // A stop that hangs says on what, every few seconds (a stuck NATS request, a webhook).
        let waitingFor = 'running decisions to finish';
        const startedStopping = now();
        const slowStop = setInterval(() => logger.warn({ instanceId, waitingFor, ms: now() - startedStopping }, 'orchestrator stop is slow'), SLOW_STOP_WARN_MS);
        slowStop.unref();
        commands.pause();
        serving = false;
        await registry.idle();
        leading = false;
        registry.stopAll();
        waitingFor = 'the lease to be released';
        await lease?.stop();
        notifier.close();
        waitingFor = 'the fleet feed and notifications to close';
        await Promise.all([started.stop(), notifier.idle()]);
        presence.stop();
        telemetrySubscription.unsubscribe();
        collectorErrorsSubscription.unsubscribe();
        invariants.stop();
        configs.stop();
        mirror.stop();
        waitingFor = 'the command server to close';
        await commands.close();
        await metricsServer?.close();
        clearInterval(slowStop);
        logger.info({ instanceId }, 'orchestrator stopped');
      })();
      return stopping;
    },
  };
}

/** How long a stop may take before it says what it waits for (and again at this pace). */
const SLOW_STOP_WARN_MS = 5_000;

/** Metrics are not worth a rollout: a port already taken is logged and the orchestrator goes on. */
async function serveMetrics(options: ResolvedOrchestratorOptions, registry: Registry): Promise<MetricsServer | null> {
  if (options.metricsPort === null) return null;
  try {
    const server = await startMetricsServer(options.metricsPort, options.metricsHost, registry);
    options.logger.info({ url: `${server.url}/metrics` }, 'orchestrator metrics listening');
    return server;
  } catch (error) {
    options.logger.error({ port: options.metricsPort, err: String(error) }, 'orchestrator metrics not served: the port is not free; set ORCHESTRATOR_PORT (--orchestrator-port) to a free port (0 picks one)');
    return null;
  }
}
