import { topologyFromSettings, type Topology } from '@roost/contracts';
import { NOTIFICATION_KINDS, type NotificationKind } from '@roost/rollout';
import type { OrchestratorOptions, WebhookTarget } from './orchestrator-options';

export interface OrchestratorEnvironment {
  readonly natsUrl: string | undefined;
  /** Replicas and limits of the streams and buckets (NATS_REPLICAS, NATS_<STREAM>_MAX_*). */
  readonly topology: Topology;
  /** Port of /metrics and /healthz (0 picks a free one). */
  readonly metricsPort: number;
  readonly logLevel: string;
  readonly options: OrchestratorOptions;
}

/**
 * Reads the orchestrator's settings from the environment (12-factor):
 *   NATS_URL                      nats://host:4222 (unset: in-memory platform, for a demo only)
 *   NATS_REPLICAS                 copies of every stream and bucket (1; 3 on a JetStream cluster)
 *   NATS_<STREAM>_MAX_AGE|BYTES   a stream's limits (see TOPOLOGY_SETTINGS in @roost/contracts)
 *   ORCHESTRATOR_ID               unique id of this process (default: host, pid and random)
 *   ROOST_WEBHOOK_URLS            comma-separated webhook URLs for rollout notifications
 *   ROOST_WEBHOOK_KINDS           optional comma-separated subset of awaiting_approval,paused,completed,failed,rolled_back,aborted
 *   ROOST_WEBHOOK_SECRET          signs every delivery (Roost-Timestamp, Roost-Signature; docs/security.md)
 *   ORCHESTRATOR_PORT             port of /metrics and /healthz (default 4340)
 *   LOG_LEVEL                     pino level (default info)
 */
export function orchestratorEnvironment(env: Readonly<Record<string, string | undefined>>): OrchestratorEnvironment {
  const kinds = notificationKinds(list(env['ROOST_WEBHOOK_KINDS']));
  const secret = env['ROOST_WEBHOOK_SECRET'] || undefined;
  const webhooks = list(env['ROOST_WEBHOOK_URLS']).map((url): WebhookTarget => ({ url, ...(kinds && kinds.length > 0 ? { kinds } : {}), ...(secret !== undefined ? { secret } : {}) }));
  return {
    natsUrl: env['NATS_URL'] || undefined,
    topology: topologyFromSettings((name) => env[name]),
    metricsPort: port(env['ORCHESTRATOR_PORT'], 4340),
    logLevel: env['LOG_LEVEL'] || 'info',
    options: {
      ...(env['ORCHESTRATOR_ID'] ? { instanceId: env['ORCHESTRATOR_ID'] } : {}),
      webhooks,
    },
  };
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new Error(`ORCHESTRATOR_PORT must be a port number (0-65535), got "${value}"`);
  return parsed;
}

/** A misspelt kind would silently filter out every notification: refused, naming the kinds there are. */
function notificationKinds(names: readonly string[]): NotificationKind[] {
  const known: readonly string[] = NOTIFICATION_KINDS;
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`ROOST_WEBHOOK_KINDS names unknown kinds ${unknown.map((name) => `"${name}"`).join(', ')}; the kinds are ${NOTIFICATION_KINDS.join(', ')}`);
  return names as NotificationKind[];
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
