import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { v7 as uuidv7 } from 'uuid';
import { BUCKETS } from '@roost/contracts';
import { silentLogger, type Platform } from '@roost/ports';
import { configCommandRoutes } from './commands/config-command-handlers';
import { serveCommands } from './commands/command-server';
import { groupCommandRoutes } from './commands/group-command-handlers';
import { rolloutCommandRoutes } from './commands/rollout-command-handlers';
import { ConfigStore } from './configs/config-store';
import { startFleetFeed } from './fleet/fleet-feed';
import { FleetView } from './fleet/fleet-view';
import { GatewayLiveness } from './fleet/gateway-liveness';
import { watchGatewayPresence } from './fleet/presence-watch';
import { LeaderLease } from './leadership/leader-lease';
import { WebhookNotifier } from './notify/webhook-notifier';
import { resolveOrchestratorOptions, type OrchestratorOptions, type ResolvedOrchestratorOptions } from './orchestrator-options';
import { DesiredMirror } from './rollouts/desired-mirror';
import { createDesiredWriter } from './rollouts/desired-writer';
import { RolloutRegistry } from './rollouts/rollout-registry';
import { RolloutStore } from './rollouts/rollout-store';

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
  /** Resolves once queued rollout work, desired writes and webhooks have settled (tests, benchmarks). */
  idle(): Promise<void>;
  /** Stops serving, lets running decisions finish, and releases the lease so a standby takes over at once. */
  stop(): Promise<void>;
}

/**
 * Starts an orchestrator process: the fleet view (rebuilt from FLEET_EVENTS, kept live with
 * gateway presence), config versions, and a campaign for the lease. Leader and standby keep
 * the same view; only the leader runs rollouts and answers commands.
 */
export async function startOrchestrator(options: OrchestratorOptions, platform: OrchestratorPlatform): Promise<RunningOrchestrator> {
  const resolved = resolveOrchestratorOptions(options, {
    instanceId: () => `orchestrator-${hostname().replace(/[^-_A-Za-z0-9]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`,
    newRolloutId: () => uuidv7(),
    logger: silentLogger,
  });
  const { logger, now, instanceId } = resolved;
  const [desiredBucket, configsBucket, gatewaysBucket, leasesBucket] = await Promise.all(
    [BUCKETS.agentDesired, BUCKETS.configs, BUCKETS.gateways, BUCKETS.leases].map((bucket) => platform.kv.open(bucket.name)),
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
  const registry = new RolloutRegistry({ view, configs, store, mirror, writeDesired, notifier, now, logger });
  const routes = [
    ...rolloutCommandRoutes({ registry, configs, newRolloutId: resolved.newRolloutId, logger }),
    ...configCommandRoutes(configs, logger),
    ...groupCommandRoutes(view, (agentId) => registry.lockedBy(agentId), logger),
  ];

  let leading = false;
  const presence = await watchGatewayPresence(
    gatewaysBucket,
    view.gateways,
    resolved.presenceSweepMs,
    { gone: (gatewayId) => leading && registry.gatewayChanged(gatewayId), revived: (gatewayId) => leading && registry.gatewayChanged(gatewayId) },
    logger,
  );
  const feed = await startFleetFeed(platform.events, view, { lagCheckMs: resolved.fleetLagCheckMs, catchUpLag: resolved.fleetCatchUpLag, logger, now }, (event) => {
    resolved.onFleetEvent?.(event);
    if (leading) registry.observe(event);
  });

  // Gateways known only from replayed history and silent since are gone before anyone leads.
  for (const gatewayId of view.gateways.sweep()) logger.info({ gatewayId }, 'gateway from the fleet history has no live presence; its agents count as disconnected');

  let commands: { stop(): void } | null = null;
  let serving = false;
  const elected = async (): Promise<void> => {
    leading = true;
    await registry.takeover(() => lease?.canAct() === true);
    if (!leading || lease?.canAct() !== true) return;
    commands = serveCommands(platform.bus, routes, logger);
    serving = true;
    logger.info({ instanceId, activeRollouts: registry.activeRollouts.length }, 'orchestrator leading: answering commands');
  };
  const deposed = (): void => {
    leading = false;
    serving = false;
    commands?.stop();
    commands = null;
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
    idle: async () => {
      await registry.idle();
      await notifier.idle();
    },
    stop: () => {
      stopping ??= (async () => {
        commands?.stop();
        commands = null;
        serving = false;
        await registry.idle();
        leading = false;
        registry.stopAll();
        await lease?.stop();
        notifier.close();
        await Promise.all([feed.stop(), notifier.idle()]);
        presence.stop();
        configs.stop();
        mirror.stop();
        logger.info({ instanceId }, 'orchestrator stopped');
      })();
      return stopping;
    },
  };
}
