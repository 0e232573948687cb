import { API_ROLES, type ApiRole } from '@roost/contracts';
import { SETTINGS, type SettingName, type SettingSpec } from './settings-table';

/** The services this binary can run; `all` (the default) runs every one in one process. */
export const SERVICE_NAMES = ['gateway', 'orchestrator', 'projector', 'admin-api'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface RoostSettings {
  readonly services: readonly ServiceName[];
  readonly host: string;
  readonly gatewayPort: number;
  readonly projectorPort: number;
  readonly adminPort: number;
  /** null: no gRPC server. */
  readonly grpcPort: number | null;
  /** `name:role:sha256` entries, as ROOST_API_TOKENS holds them. */
  readonly apiTokens: string;
  /** undefined: the admin API's default (admin without tokens, none with them). */
  readonly anonymousRole: ApiRole | null | undefined;
  readonly agentToken: string | undefined;
  readonly natsUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly gatewayId: string | undefined;
  readonly orchestratorId: string | undefined;
  readonly heartbeatSeconds: number;
  readonly webhookUrls: readonly string[];
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

/**
 * `roost [all|gateway|orchestrator|projector ...] [--flag value | --flag=value ...]`; a flag
 * wins over its environment variable, which wins over the default. `--service a,b` is the
 * same as naming the services as arguments.
 */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, terminal: boolean): CommandLine {
  const given = new Map<SettingName, string>();
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
    const name = BY_FLAG.get(flag);
    if (name === undefined) throw new CommandLineError(`unknown flag --${flag}; run with --help for the list of flags`);
    given.set(name, value);
  }
  const read = (name: SettingName): string | undefined => given.get(name) ?? nonEmpty(env[SETTINGS[name].env]);
  return { kind: 'run', settings: settingsFrom(servicesFrom(named), read, terminal) };
}

function settingsFrom(services: readonly ServiceName[], read: (name: SettingName) => string | undefined, terminal: boolean): RoostSettings {
  const number = (name: SettingName): number => numberSetting(name, read(name) ?? (SETTINGS[name] as SettingSpec).fallback);
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
    adminPort: number('adminPort'),
    grpcPort: grpc === 'off' ? null : numberSetting('grpcPort', grpc ?? SETTINGS.grpcPort.fallback),
    apiTokens,
    anonymousRole,
    agentToken: read('agentToken'),
    natsUrl: read('natsUrl'),
    redisUrl: read('redisUrl'),
    gatewayId: read('gatewayId'),
    orchestratorId: read('orchestratorId'),
    heartbeatSeconds: number('heartbeatSeconds'),
    webhookUrls: splitList(read('webhookUrls') ?? ''),
    logLevel,
    logFormat,
    shutdownTimeoutMs: number('shutdownTimeoutMs'),
  };
}

function servicesFrom(named: readonly string[]): readonly ServiceName[] {
  if (named.length === 0 || named.includes('all')) return SERVICE_NAMES;
  const unknown = named.filter((name) => !(SERVICE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new CommandLineError(`unknown service ${unknown.map((u) => `"${u}"`).join(', ')}; name one or more of: all, ${SERVICE_NAMES.join(', ')}`);
  return SERVICE_NAMES.filter((name) => named.includes(name));
}

function roleSetting(text: string | undefined): ApiRole | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'none') return null;
  if (!(API_ROLES as readonly string[]).includes(text)) throw new CommandLineError(`${describe(SETTINGS.anonymousRole)} must be one of ${API_ROLES.join(', ')} or none, got "${text}"`);
  return text as ApiRole;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

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
