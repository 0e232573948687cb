import { API_ROLES, TOPOLOGY_SETTINGS, TopologySettingError, topologyFromSettings, type ApiRole, type Topology } from '@roost/contracts';
import { isLoopbackHost, type TlsFiles } from '@roost/platform-process';
import { RedisSettingError, redisTargetFrom, type RedisTarget } from '@roost/platform-redis';
import { SETTINGS, type SettingName, type SettingSpec } from './settings-table';

/** The services this binary can run; `all` (the default) runs every one in one process. */
export const SERVICE_NAMES = ['gateway', 'orchestrator', 'projector', 'admin-api'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface RoostSettings {
  readonly services: readonly ServiceName[];
  readonly host: string;
  readonly gatewayPort: number;
  readonly projectorPort: number;
  readonly orchestratorPort: number;
  readonly adminPort: number;
  /** null: no gRPC server. */
  readonly grpcPort: number | null;
  /** `name:role:sha256` entries, as ROOST_API_TOKENS holds them. */
  readonly apiTokens: string;
  /** undefined: the admin API's default (admin without tokens, none with them). */
  readonly anonymousRole: ApiRole | null | undefined;
  readonly agentToken: string | undefined;
  /** Agents must present an enrolment token (GATEWAY_REQUIRE_ENROLMENT). */
  readonly requireEnrolment: boolean;
  /** Token handover (GATEWAY_TOKEN_HANDOVER_*); undefined: none. */
  readonly tokenHandover: { readonly url: string; readonly caFile?: string; readonly ttlSeconds: number } | undefined;
  readonly gatewayMaxMessageBytes: number;
  /** The OpAMP port's TLS files; undefined: plain text. */
  readonly gatewayTls: TlsFiles | undefined;
  /** The admin API's TLS files (HTTP and gRPC); undefined: plain text. */
  readonly adminTls: TlsFiles | undefined;
  /** undefined: the gateway's default (a quarter of the memory limit). */
  readonly gatewayMemoryBudgetBytes: number | undefined;
  /** Bytes the admin API holds in request bodies being received (ADMIN_BODY_BUDGET_BYTES). */
  readonly adminBodyBudgetBytes: number;
  readonly natsUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** Where the views' Redis is (REDIS_URL, or REDIS_SENTINELS and REDIS_SENTINEL_MASTER); undefined = none. */
  readonly redis: RedisTarget | undefined;
  /** Replicas and limits of the NATS streams and buckets (TOPOLOGY_SETTINGS). */
  readonly topology: Topology;
  readonly gatewayId: string | undefined;
  readonly orchestratorId: string | undefined;
  readonly heartbeatSeconds: number;
  /** Offer own_metrics to agents that report them (data-plane gates). */
  readonly ownMetrics: boolean;
  readonly ownMetricsEndpoint: string | undefined;
  readonly ownMetricsKey: string | undefined;
  readonly webhookUrls: readonly string[];
  /** Signs webhook deliveries; undefined: unsigned. */
  readonly webhookSecret: string | undefined;
  readonly logLevel: string;
  readonly logFormat: 'json' | 'pretty';
  readonly shutdownTimeoutMs: number;
}

export type CommandLine = { readonly kind: 'help' } | { readonly kind: 'run'; readonly settings: RoostSettings };

/** A command line that cannot run; the message says what to type instead. */
export class CommandLineError extends Error {
  readonly code = 'roost.bad_command_line';
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const BY_FLAG = new Map<string, SettingName>(Object.entries(SETTINGS).map(([name, spec]) => [spec.flag, name as SettingName]));
const TOPOLOGY_BY_FLAG = new Map(TOPOLOGY_SETTINGS.map((spec) => [spec.flag, spec.env]));

/**
 * `roost [all|gateway|orchestrator|projector ...] [--flag value | --flag=value ...]`; a flag
 * wins over its environment variable, which wins over the default. `--service a,b` is the
 * same as naming the services as arguments.
 */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, terminal: boolean): CommandLine {
  const given = new Map<SettingName, string>();
  const topologyGiven = new Map<string, string>();
  const named: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h' || arg === 'help') return { kind: 'help' };
    if (!arg.startsWith('--')) {
      named.push(...splitList(arg));
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new CommandLineError(`--${flag} needs a value, e.g. --${flag}=...`);
    if (flag === 'service') {
      named.push(...splitList(value));
      continue;
    }
    const topologyEnv = TOPOLOGY_BY_FLAG.get(flag);
    if (topologyEnv !== undefined) {
      topologyGiven.set(topologyEnv, value);
      continue;
    }
    const name = BY_FLAG.get(flag);
    if (name === undefined) throw new CommandLineError(`unknown flag --${flag}; run with --help for the list of flags`);
    given.set(name, value);
  }
  const read = (name: SettingName): string | undefined => given.get(name) ?? nonEmpty(env[SETTINGS[name].env]);
  const topology = topologyOf((variable) => topologyGiven.get(variable) ?? nonEmpty(env[variable]));
  return { kind: 'run', settings: { ...settingsFrom(servicesFrom(named), read, terminal), topology } };
}

function redisOf(read: (name: SettingName) => string | undefined): RedisTarget | undefined {
  const byEnv = new Map<string, string | undefined>([
    [SETTINGS.redisUrl.env, read('redisUrl')],
    [SETTINGS.redisSentinels.env, read('redisSentinels')],
    [SETTINGS.redisSentinelMaster.env, read('redisSentinelMaster')],
  ]);
  try {
    return redisTargetFrom((variable) => byEnv.get(variable));
  } catch (error) {
    if (error instanceof RedisSettingError) throw new CommandLineError(error.message);
    throw error;
  }
}

function topologyOf(read: (variable: string) => string | undefined): Topology {
  try {
    return topologyFromSettings(read);
  } catch (error) {
    if (error instanceof TopologySettingError) throw new CommandLineError(error.message);
    throw error;
  }
}

function settingsFrom(services: readonly ServiceName[], read: (name: SettingName) => string | undefined, terminal: boolean): Omit<RoostSettings, 'topology'> {
  const number = (name: SettingName): number => numberSetting(name, read(name) ?? (SETTINGS[name] as SettingSpec).fallback);
  const optionalNumber = (name: SettingName): number | undefined => {
    const text = read(name);
    return text === undefined ? undefined : numberSetting(name, text);
  };
  const logLevel = read('logLevel') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new CommandLineError(`${describe(SETTINGS.logLevel)} must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const logFormat = read('logFormat') ?? (terminal ? 'pretty' : 'json');
  if (logFormat !== 'json' && logFormat !== 'pretty') throw new CommandLineError(`${describe(SETTINGS.logFormat)} must be json or pretty, got "${logFormat}"`);
  const grpc = read('grpcPort');
  const host = read('host') ?? SETTINGS.host.fallback;
  const apiTokens = read('apiTokens') ?? '';
  const anonymousRole = roleSetting(read('anonymousRole'));
  if (services.includes('admin-api') && !isLoopback(host) && apiTokens.trim() === '' && anonymousRole === undefined) {
    throw new CommandLineError(
      `the admin API would let anyone reaching ${host} act as admin: set ROOST_API_TOKENS (--api-tokens), or ROOST_ANONYMOUS_ROLE=admin (--anonymous-role) to accept that`,
    );
  }
  return {
    services,
    host,
    gatewayPort: number('gatewayPort'),
    projectorPort: number('projectorPort'),
    orchestratorPort: number('orchestratorPort'),
    adminPort: number('adminPort'),
    grpcPort: grpc === 'off' ? null : numberSetting('grpcPort', grpc ?? SETTINGS.grpcPort.fallback),
    apiTokens,
    anonymousRole,
    agentToken: read('agentToken'),
    requireEnrolment: booleanSetting('requireEnrolment', read('requireEnrolment')),
    tokenHandover: handoverOf(read, number('tokenHandoverTtlSeconds')),
    gatewayMaxMessageBytes: number('gatewayMaxMessageBytes'),
    gatewayTls: tlsOf(read, 'gatewayTlsCert', 'gatewayTlsKey', 'gatewayTlsClientCa'),
    adminTls: tlsOf(read, 'adminTlsCert', 'adminTlsKey', 'adminTlsClientCa'),
    gatewayMemoryBudgetBytes: optionalNumber('gatewayMemoryBudgetBytes'),
    adminBodyBudgetBytes: number('adminBodyBudgetBytes'),
    natsUrl: read('natsUrl'),
    redisUrl: read('redisUrl'),
    redis: redisOf(read),
    gatewayId: read('gatewayId'),
    orchestratorId: read('orchestratorId'),
    heartbeatSeconds: number('heartbeatSeconds'),
    ownMetrics: onOff('ownMetrics', read('ownMetrics') ?? 'off'),
    ownMetricsEndpoint: read('ownMetricsEndpoint'),
    ownMetricsKey: read('ownMetricsKey'),
    webhookUrls: splitList(read('webhookUrls') ?? ''),
    webhookSecret: read('webhookSecret'),
    logLevel,
    logFormat,
    shutdownTimeoutMs: number('shutdownTimeoutMs'),
  };
}

/** A certificate and its key go together; a client CA needs both. */
function tlsOf(read: (name: SettingName) => string | undefined, cert: SettingName, key: SettingName, clientCa: SettingName): TlsFiles | undefined {
  const [certFile, keyFile, clientCaFile] = [read(cert), read(key), read(clientCa)];
  if (certFile === undefined && keyFile === undefined && clientCaFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new CommandLineError(`TLS needs both ${describe(SETTINGS[cert])} and ${describe(SETTINGS[key])}${clientCaFile !== undefined ? ` (${describe(SETTINGS[clientCa])} asks for client certificates over TLS)` : ''}`);
  }
  return { certFile, keyFile, ...(clientCaFile !== undefined ? { clientCaFile } : {}) };
}

function servicesFrom(named: readonly string[]): readonly ServiceName[] {
  if (named.length === 0 || named.includes('all')) return SERVICE_NAMES;
  const unknown = named.filter((name) => !(SERVICE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new CommandLineError(`unknown service ${unknown.map((u) => `"${u}"`).join(', ')}; name one or more of: all, ${SERVICE_NAMES.join(', ')}`);
  return SERVICE_NAMES.filter((name) => named.includes(name));
}

function handoverOf(read: (name: SettingName) => string | undefined, ttlSeconds: number): RoostSettings['tokenHandover'] {
  const url = read('tokenHandoverUrl');
  const caFile = read('tokenHandoverCaFile');
  if (url === undefined) {
    if (caFile !== undefined) throw new CommandLineError(`${describe(SETTINGS.tokenHandoverCaFile)} goes with ${describe(SETTINGS.tokenHandoverUrl)}`);
    return undefined;
  }
  return { url, ...(caFile !== undefined ? { caFile } : {}), ttlSeconds };
}

function booleanSetting(name: SettingName, text: string | undefined): boolean {
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  throw new CommandLineError(`${describe(SETTINGS[name])} must be true or false, got "${text}"`);
}

function roleSetting(text: string | undefined): ApiRole | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'none') return null;
  if (!(API_ROLES as readonly string[]).includes(text)) throw new CommandLineError(`${describe(SETTINGS.anonymousRole)} must be one of ${API_ROLES.join(', ')} or none, got "${text}"`);
  return text as ApiRole;
}

/** True for addresses only this machine can reach. */
export const isLoopback = isLoopbackHost;

function numberSetting(name: SettingName, text: string | undefined): number {
  const spec: SettingSpec = SETTINGS[name];
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(value) || value < 0) {
    throw new CommandLineError(`${describe(spec)} must be a whole number >= 0, got "${text ?? ''}"`);
  }
  if (spec.kind === 'port' && value > 65_535) throw new CommandLineError(`${describe(spec)} must be a port number (0-65535), got ${value}`);
  return value;
}

function describe(spec: SettingSpec): string {
  return `--${spec.flag} (${spec.env})`;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function onOff(name: SettingName, value: string): boolean {
  if (['on', 'true', '1', 'yes'].includes(value.toLowerCase())) return true;
  if (['off', 'false', '0', 'no'].includes(value.toLowerCase())) return false;
  throw new CommandLineError(`${describe(SETTINGS[name])} must be on or off, got "${value}"`);
}
