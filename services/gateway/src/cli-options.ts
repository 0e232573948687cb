import { TOPOLOGY_SETTINGS, TopologySettingError, topologyFromSettings, type Topology } from '@roost/contracts';
import type { GatewayOptions } from './gateway-options';

export interface GatewayCommandLine {
  readonly gateway: GatewayOptions;
  /** NATS servers (comma-separated URLs); absent = in-memory platform. */
  readonly natsUrl: string | undefined;
  /** Replicas and limits of the streams and buckets (--nats-replicas, --nats-<stream>-max-*). */
  readonly topology: Topology;
  readonly logLevel: string;
}

/** `--name value` / `--name=value` flags, each also settable as the env var in the table. */
const FLAGS = {
  port: 'GATEWAY_PORT',
  host: 'GATEWAY_HOST',
  path: 'GATEWAY_PATH',
  'gateway-id': 'GATEWAY_ID',
  'max-message-bytes': 'GATEWAY_MAX_MESSAGE_BYTES',
  'memory-budget-bytes': 'GATEWAY_MEMORY_BUDGET_BYTES',
  'max-agents': 'GATEWAY_MAX_AGENTS',
  'retry-after-seconds': 'GATEWAY_RETRY_AFTER_SECONDS',
  'bearer-token': 'GATEWAY_BEARER_TOKEN',
  'require-enrolment': 'GATEWAY_REQUIRE_ENROLMENT',
  'token-handover-url': 'GATEWAY_TOKEN_HANDOVER_URL',
  'token-handover-ca-file': 'GATEWAY_TOKEN_HANDOVER_CA_FILE',
  'token-handover-ttl-seconds': 'GATEWAY_TOKEN_HANDOVER_TTL_SECONDS',
  'tls-cert': 'GATEWAY_TLS_CERT_FILE',
  'tls-key': 'GATEWAY_TLS_KEY_FILE',
  'tls-client-ca': 'GATEWAY_TLS_CLIENT_CA_FILE',
  'heartbeat-interval-seconds': 'GATEWAY_HEARTBEAT_INTERVAL_SECONDS',
  'http-missed-polls': 'GATEWAY_HTTP_MISSED_POLLS',
  'ping-interval-ms': 'GATEWAY_PING_INTERVAL_MS',
  'desired-resync-ms': 'GATEWAY_DESIRED_RESYNC_MS',
  'advertised-endpoint': 'GATEWAY_ADVERTISED_ENDPOINT',
  'own-metrics': 'GATEWAY_OWN_METRICS',
  'own-metrics-endpoint': 'GATEWAY_OWN_METRICS_ENDPOINT',
  'own-metrics-key': 'GATEWAY_OWN_METRICS_KEY',
  'nats-url': 'NATS_URL',
  'log-level': 'LOG_LEVEL',
} as const;

type FlagName = keyof typeof FLAGS;

/** The topology flags every service shares (NATS_REPLICAS and the streams' limits). */
const TOPOLOGY_FLAGS = new Map(TOPOLOGY_SETTINGS.map((spec) => [spec.flag, spec.env]));

export class CommandLineError extends Error {
  readonly code = 'gateway.bad_command_line';
}

/** Reads flags first, then environment variables; unknown flags are an error. */
export function parseGatewayCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): GatewayCommandLine {
  const flags = new Map<FlagName, string>();
  const topologyFlags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new CommandLineError(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    const name = (eq === -1 ? arg.slice(2) : arg.slice(2, eq)) as FlagName;
    const topologyEnv = TOPOLOGY_FLAGS.get(name);
    if (!(name in FLAGS) && topologyEnv === undefined) {
      throw new CommandLineError(`unknown flag --${name}; known: ${[...Object.keys(FLAGS), ...TOPOLOGY_FLAGS.keys()].map((f) => `--${f}`).join(' ')}`);
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new CommandLineError(`--${name} needs a value`);
    if (topologyEnv !== undefined) topologyFlags.set(topologyEnv, value);
    else flags.set(name, value);
  }
  const text = (name: FlagName): string | undefined => flags.get(name) ?? nonEmpty(env[FLAGS[name]]);
  const num = (name: FlagName): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new CommandLineError(`--${name} (${FLAGS[name]}) must be a number, got "${value}"`);
    return parsed;
  };
  const flag = (name: FlagName): boolean | undefined => {
    const value = text(name)?.toLowerCase();
    if (value === undefined) return undefined;
    if (['on', 'true', '1', 'yes'].includes(value)) return true;
    if (['off', 'false', '0', 'no'].includes(value)) return false;
    throw new CommandLineError(`--${name} (${FLAGS[name]}) must be on or off, got "${value}"`);
  };
  return {
    gateway: {
      port: num('port'),
      host: text('host'),
      path: text('path'),
      gatewayId: text('gateway-id'),
      maxMessageBytes: num('max-message-bytes'),
      memoryBudgetBytes: num('memory-budget-bytes'),
      maxAgents: num('max-agents'),
      retryAfterSeconds: num('retry-after-seconds'),
      bearerToken: text('bearer-token'),
      requireEnrolment: flag('require-enrolment'),
      ...handoverOf(text('token-handover-url'), text('token-handover-ca-file'), num('token-handover-ttl-seconds')),
      ...tlsOf(text('tls-cert'), text('tls-key'), text('tls-client-ca')),
      heartbeatIntervalSeconds: num('heartbeat-interval-seconds'),
      httpMissedPolls: num('http-missed-polls'),
      pingIntervalMs: num('ping-interval-ms'),
      desiredResyncMs: num('desired-resync-ms'),
      advertisedEndpoint: text('advertised-endpoint'),
      ownMetrics: flag('own-metrics'),
      ownMetricsEndpoint: text('own-metrics-endpoint'),
      ownMetricsKey: text('own-metrics-key'),
    },
    natsUrl: text('nats-url'),
    topology: topologyOf((variable) => topologyFlags.get(variable) ?? nonEmpty(env[variable])),
    logLevel: text('log-level') ?? 'info',
  };
}

function handoverOf(url: string | undefined, caFile: string | undefined, ttlSeconds: number | undefined): Pick<GatewayOptions, 'tokenHandover'> {
  if (url === undefined) {
    if (caFile !== undefined || ttlSeconds !== undefined) throw new CommandLineError('--token-handover-ca-file and --token-handover-ttl-seconds go with --token-handover-url (GATEWAY_TOKEN_HANDOVER_URL)');
    return {};
  }
  return { tokenHandover: { url, ...(caFile !== undefined ? { caFile } : {}), ...(ttlSeconds !== undefined ? { ttlSeconds } : {}) } };
}

function tlsOf(certFile: string | undefined, keyFile: string | undefined, clientCaFile: string | undefined): Pick<GatewayOptions, 'tls'> {
  if (certFile === undefined && keyFile === undefined && clientCaFile === undefined) return {};
  if (certFile === undefined || keyFile === undefined) throw new CommandLineError('TLS needs both --tls-cert (GATEWAY_TLS_CERT_FILE) and --tls-key (GATEWAY_TLS_KEY_FILE)');
  return { tls: { certFile, keyFile, ...(clientCaFile !== undefined ? { clientCaFile } : {}) } };
}

function topologyOf(read: (env: string) => string | undefined): Topology {
  try {
    return topologyFromSettings(read);
  } catch (error) {
    if (error instanceof TopologySettingError) throw new CommandLineError(error.message);
    throw error;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
