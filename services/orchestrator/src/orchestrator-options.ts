import { BUCKETS, type FleetEvent } from '@roost/contracts';
import type { Logger } from '@roost/ports';
import type { NotificationKind } from '@roost/rollout';

/** Where rollout notifications go: a URL receiving JSON with a Slack-compatible `text` field. */
export interface WebhookTarget {
  readonly url: string;
  /** Only these kinds (default: every kind: awaiting_approval, paused, completed, failed, rolled_back, aborted). */
  readonly kinds?: readonly NotificationKind[];
  readonly headers?: Readonly<Record<string, string>>;
  /** Signs every delivery (`Roost-Timestamp`, `Roost-Signature`: HMAC-SHA256; see docs/security.md). */
  readonly secret?: string;
}

export interface OrchestratorOptions {
  /** Names this process in the lease and in logs; unique per process. */
  readonly instanceId?: string;
  readonly webhooks?: readonly WebhookTarget[];
  /** Key in the `leases` bucket. Default `orchestrator`. */
  readonly leaseKey?: string;
  /** Must equal the `leases` bucket TTL. Default 10 000. */
  readonly leaseTtlMs?: number;
  /** Renewal period, well inside the TTL. Default 3 000. */
  readonly leaseRenewMs?: number;
  /** How often a standby tries to take the lease. Default 1 000. */
  readonly leaseRetryMs?: number;
  /**
   * A gateway not seen refreshing its presence for this long counts as gone and its agents as
   * disconnected. With the default sweep, agents of a dead gateway are disconnected within 15 s
   * of its last refresh. Default 12 000.
   */
  readonly presenceTimeoutMs?: number;
  readonly presenceSweepMs?: number;
  /** How often the fleet view reads the end of FLEET_EVENTS to know whether it is caught up. Default 250. */
  readonly fleetLagCheckMs?: number;
  /**
   * The fleet view counts as caught up while it holds every fleet event stored up to this long
   * ago; rollout gates and deadlines are judged only then. Default 3 000.
   */
  readonly fleetFreshnessMs?: number;
  /** Agents per push nudge message. Default 1 000. */
  readonly nudgeBatchSize?: number;
  /** Concurrent `agent-desired` writes. Default 512. */
  readonly desiredWriteConcurrency?: number;
  /** How often the running invariant checker looks (a violation counts when two checks in a row find it). Default 10 000. */
  readonly invariantCheckMs?: number;
  /** Agents whose own-metrics samples are kept for data-plane gates (least recently heard dropped first). Default 50 000. */
  readonly telemetryMaxAgents?: number;
  /** Own-metrics samples kept per agent. Default 32 (at the collector's default 60 s export, half an hour). */
  readonly telemetrySamplesPerAgent?: number;
  /**
   * Serve `/metrics` and `/healthz` on this port (0 picks a free one); absent or null: not
   * served (the caller reads `metrics` itself).
   */
  readonly metricsPort?: number | null;
  /** Listen address of the metrics port. Default 127.0.0.1. */
  readonly metricsHost?: string;
  readonly webhookAttempts?: number;
  readonly webhookBackoffMs?: number;
  readonly webhookTimeoutMs?: number;
  readonly logger?: Logger;
  /** Injected for tests: wall clock in ms. */
  readonly now?: () => number;
  /** Injected for tests: ids of new rollouts (one subject token). */
  readonly newRolloutId?: () => string;
  /** Called for every fleet event applied to the view (benchmarks, diagnostics). */
  readonly onFleetEvent?: (event: FleetEvent) => void;
}

export type ResolvedOrchestratorOptions = Required<Omit<OrchestratorOptions, 'onFleetEvent'>> & Pick<OrchestratorOptions, 'onFleetEvent'>;

export function resolveOrchestratorOptions(
  options: OrchestratorOptions,
  defaults: { instanceId: () => string; newRolloutId: () => string; logger: Logger },
): ResolvedOrchestratorOptions {
  const leaseTtlMs = positive(options.leaseTtlMs, BUCKETS.leases.ttlMs, 'leaseTtlMs');
  const leaseRenewMs = positive(options.leaseRenewMs, Math.min(3_000, Math.floor(leaseTtlMs / 3)), 'leaseRenewMs');
  if (leaseRenewMs * 2 >= leaseTtlMs) throw new Error(`orchestrator option leaseRenewMs (${leaseRenewMs}) must be under half of leaseTtlMs (${leaseTtlMs})`);
  for (const target of options.webhooks ?? []) {
    if (!/^https?:\/\//.test(target.url)) throw new Error(`webhook URL "${target.url}" must start with http:// or https://`);
  }
  return {
    instanceId: options.instanceId ?? defaults.instanceId(),
    webhooks: options.webhooks ?? [],
    leaseKey: options.leaseKey ?? 'orchestrator',
    leaseTtlMs,
    leaseRenewMs,
    leaseRetryMs: positive(options.leaseRetryMs, 1_000, 'leaseRetryMs'),
    presenceTimeoutMs: positive(options.presenceTimeoutMs, 12_000, 'presenceTimeoutMs'),
    presenceSweepMs: positive(options.presenceSweepMs, 1_000, 'presenceSweepMs'),
    fleetLagCheckMs: positive(options.fleetLagCheckMs, 250, 'fleetLagCheckMs'),
    fleetFreshnessMs: positive(options.fleetFreshnessMs, 3_000, 'fleetFreshnessMs'),
    nudgeBatchSize: positive(options.nudgeBatchSize, 1_000, 'nudgeBatchSize'),
    desiredWriteConcurrency: positive(options.desiredWriteConcurrency, 512, 'desiredWriteConcurrency'),
    invariantCheckMs: positive(options.invariantCheckMs, 10_000, 'invariantCheckMs'),
    telemetryMaxAgents: positive(options.telemetryMaxAgents, 50_000, 'telemetryMaxAgents'),
    telemetrySamplesPerAgent: positive(options.telemetrySamplesPerAgent, 32, 'telemetrySamplesPerAgent'),
    metricsPort: metricsPort(options.metricsPort),
    metricsHost: options.metricsHost ?? '127.0.0.1',
    webhookAttempts: positive(options.webhookAttempts, 5, 'webhookAttempts'),
    webhookBackoffMs: positive(options.webhookBackoffMs, 500, 'webhookBackoffMs'),
    webhookTimeoutMs: positive(options.webhookTimeoutMs, 5_000, 'webhookTimeoutMs'),
    logger: options.logger ?? defaults.logger,
    now: options.now ?? Date.now,
    newRolloutId: options.newRolloutId ?? defaults.newRolloutId,
    onFleetEvent: options.onFleetEvent,
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`orchestrator option ${name} must be a positive number, got ${value}`);
  return value;
}

function metricsPort(value: number | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error(`orchestrator option metricsPort must be a port number (0-65535), got ${value}`);
  return value;
}
