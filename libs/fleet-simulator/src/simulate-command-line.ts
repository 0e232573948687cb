import { DEFAULT_MARKER, parseBehaviourShares } from './behaviour';
import { parseDuration, parseDurationRange } from './durations';
import { parseShares } from './shares';
import type { FleetOptions } from './start-fleet';
import { SimulatorError } from './simulator-error';

export interface SimulateCommand {
  readonly fleet: Omit<FleetOptions, 'logger' | 'onEvent'>;
  /** Stop after this long; 0 = until SIGINT/SIGTERM. */
  readonly durationMs: number;
  readonly reportEveryMs: number;
  readonly output: 'text' | 'json';
  readonly logLevel: string;
}

interface FlagSpec {
  readonly env?: string;
  readonly value: string;
  readonly help: string;
}

/** Every flag of `npm run simulate`, for the parser and the help text. */
const FLAGS: Readonly<Record<string, FlagSpec>> = {
  url: { env: 'ROOST_OPAMP_URL', value: '<url,...>', help: 'gateway OpAMP URL(s), ws:// or http:// (default ws://127.0.0.1:4320/v1/opamp); agents spread over them and fail over in turn' },
  transport: { value: 'ws|http', help: 'with the default URL: WebSocket (default) or plain HTTP' },
  agents: { value: '<n>', help: 'number of agents (default 100)' },
  environments: { value: '<name:weight,...>', help: 'service.environment shares (default production)' },
  regions: { value: '<name:weight,...>', help: 'cloud.region shares (default eu-west-1,us-east-1,ap-south-1)' },
  behaviours: { value: '<kind:percent,...>', help: 'fail, unhealthy, rollback (like the supervisor), flaky (drops its connection at random), drops (healthy, but its exporter fails every batch: seen in its own metrics); the rest are healthy' },
  marker: { value: '<text>', help: `a config containing this text is bad for misbehaving agents (default "${DEFAULT_MARKER}")` },
  'apply-delay': { value: '<min-max>', help: 'time to apply a config (default 200ms-1.5s)' },
  'poll-interval': { value: '<duration>', help: 'HTTP agents poll this often when idle (default 5s)' },
  'flaky-uptime': { value: '<duration>', help: 'mean time a flaky agent stays connected (default 60s)' },
  'flaky-downtime': { value: '<min-max>', help: 'how long a flaky agent stays away (default 1s-5s)' },
  'connect-rate': { value: '<n>', help: 'agents started per second (default 1000)' },
  components: { value: '<kind/type,...>', help: 'components every agent reports it can run (AvailableComponents), e.g. receivers/otlp,processors/batch,exporters/debug (default: none reported)' },
  'own-metrics-interval': { value: '<duration>', help: 'agents report ReportsOwnMetrics and, offered own_metrics (GATEWAY_OWN_METRICS=on), export their own metrics this often (default 60s, as a collector; 0 = no capability)' },
  seed: { value: '<text>', help: 'same seed, same agents: ids, labels and behaviours (default random, printed)' },
  token: { env: 'GATEWAY_BEARER_TOKEN', value: '<token>', help: 'bearer token the gateway requires' },
  duration: { value: '<duration>', help: 'stop after this long (default: run until Ctrl-C)' },
  'report-every': { value: '<duration>', help: 'print the fleet state this often (default 5s; 0 = only at the end)' },
  output: { value: 'text|json', help: 'progress lines as text (default) or one JSON object per line' },
  'log-level': { env: 'LOG_LEVEL', value: '<level>', help: 'simulator logs on stderr (default warn)' },
};

export function simulateHelp(): string {
  const rows = Object.entries(FLAGS).map(([flag, spec]) => `  --${flag} ${spec.value}`.padEnd(40) + `${spec.help}${spec.env ? ` [${spec.env}]` : ''}`);
  return ['Simulated OpenTelemetry Collectors speaking OpAMP to a Roost gateway.', '', 'Usage: npm run simulate -- [flags]', '', ...rows, '  --help'.padEnd(40) + 'this text', ''].join('\n');
}

/** Parses flags (`--name value` or `--name=value`), then the environment; 'help' for --help. */
export function parseSimulateCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SimulateCommand | 'help' {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return 'help';
    if (!arg.startsWith('--')) throw new SimulatorError('simulator.bad_option', `unexpected argument "${arg}"; flags start with -- (see --help)`);
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!(flag in FLAGS)) throw new SimulatorError('simulator.bad_option', `unknown flag --${flag} (see --help)`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new SimulatorError('simulator.bad_option', `--${flag} needs a value: ${FLAGS[flag]?.value}`);
    given.set(flag, value);
  }
  const read = (flag: string): string | undefined => given.get(flag) ?? (FLAGS[flag]?.env ? nonEmpty(env[FLAGS[flag].env]) : undefined);
  const transport = read('transport') ?? 'ws';
  if (transport !== 'ws' && transport !== 'http') throw new SimulatorError('simulator.bad_option', `--transport must be ws or http, got "${transport}"`);
  const urls = (read('url') ?? `${transport}://127.0.0.1:4320/v1/opamp`).split(',').map((url) => url.trim()).filter((url) => url !== '');
  const agents = Number(read('agents') ?? 100);
  if (!Number.isInteger(agents) || agents < 1) throw new SimulatorError('simulator.bad_option', `--agents must be a whole number >= 1, got "${read('agents')}"`);
  const output = read('output') ?? 'text';
  if (output !== 'text' && output !== 'json') throw new SimulatorError('simulator.bad_option', `--output must be text or json, got "${output}"`);
  const connectPerSecond = Number(read('connect-rate') ?? 1_000);
  if (!(connectPerSecond > 0)) throw new SimulatorError('simulator.bad_option', `--connect-rate must be a number > 0, got "${read('connect-rate')}"`);
  const optional = <T>(flag: string, parse: (text: string, what: string) => T): T | undefined => {
    const text = read(flag);
    return text === undefined ? undefined : parse(text, `--${flag}`);
  };
  const behaviours = read('behaviours');
  if (behaviours !== undefined) parseBehaviourShares(behaviours);
  return {
    fleet: {
      urls,
      agents,
      environments: optional('environments', parseShares),
      regions: optional('regions', parseShares),
      behaviours,
      marker: read('marker'),
      applyDelayMs: optional('apply-delay', parseDurationRange),
      pollIntervalMs: optional('poll-interval', parseDuration),
      flakyUptimeMs: optional('flaky-uptime', parseDuration),
      ownMetricsIntervalMs: optional('own-metrics-interval', parseDuration),
      flakyDowntimeMs: optional('flaky-downtime', parseDurationRange),
      connectPerSecond,
      seed: read('seed'),
      components: read('components')
        ?.split(',')
        .map((component) => component.trim())
        .filter((component) => component !== ''),
      bearerToken: read('token'),
    },
    durationMs: optional('duration', parseDuration) ?? 0,
    reportEveryMs: optional('report-every', parseDuration) ?? 5_000,
    output,
    logLevel: read('log-level') ?? 'warn',
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
