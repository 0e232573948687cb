import { randomBytes } from 'node:crypto';
import { silentLogger, type Logger } from '@roost/ports';
import { DEFAULT_MARKER, parseBehaviourShares } from './behaviour';
import { planFleet } from './fleet-plan';
import { fleetStats, type FleetStats, type FleetTotals } from './fleet-stats';
import { parseShares, type Share } from './shares';
import { SimulatedAgent, type AgentEvent, type AgentSettings } from './simulated-agent';
import { SimulatorError } from './simulator-error';

export interface FleetOptions {
  /** Gateway OpAMP URLs (`ws://…/v1/opamp` or `http://…/v1/opamp`); agents spread over them and fail over in turn. */
  readonly urls: readonly string[];
  readonly agents: number;
  /** `service.environment` shares, e.g. `production:70,staging:30` or parsed shares. Default `production`. */
  readonly environments?: string | readonly Share[];
  /** `cloud.region` shares. Default `eu-west-1,us-east-1,ap-south-1`. */
  readonly regions?: string | readonly Share[];
  /** Percent of agents per behaviour, e.g. `fail:10,unhealthy:5,rollback:5,flaky:2`; the rest are healthy. */
  readonly behaviours?: string;
  /** Time from receiving a config to reporting its outcome, a range in ms. Default 200-1500. */
  readonly applyDelayMs?: { readonly min: number; readonly max: number };
  /** Text that makes a config bad for the misbehaving agents. Default `# roost-sim: break`. */
  readonly marker?: string;
  /** Same seed, same agents (ids, labels, behaviours). Default random. */
  readonly seed?: string;
  /** HTTP agents poll this often when idle. Default 5 000. */
  readonly pollIntervalMs?: number;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly bearerToken?: string;
  /** Agents started per second (a reconnect storm is still possible later). Default 1 000. */
  readonly connectPerSecond?: number;
  /** Components every agent reports it can run (`receivers/otlp,processors/batch,…`), hash first and the list when asked; absent: none reported. */
  readonly components?: readonly string[];
  /**
   * Agents report ReportsOwnMetrics and, offered own_metrics (GATEWAY_OWN_METRICS=on), send their
   * own metrics as a v0.149.0 collector does, this often (ms). Default 60 000 as the collector; 0: no capability.
   */
  readonly ownMetricsIntervalMs?: number;
  readonly flakyUptimeMs?: number;
  readonly flakyDowntimeMs?: { readonly min: number; readonly max: number };
  readonly logger?: Logger;
  /** Called for every agent event (progress output, tests). */
  readonly onEvent?: (agent: SimulatedAgent, event: AgentEvent) => void;
}

export interface RunningFleet {
  readonly seed: string;
  readonly agents: readonly SimulatedAgent[];
  stats(): FleetStats;
  /** Resolves once `count` agents (default all) are connected. */
  waitUntilConnected(count?: number, timeoutMs?: number): Promise<void>;
  /** Every agent says goodbye and closes; resolves when all are closed. */
  stop(): Promise<void>;
}

/** Starts the agents (at `connectPerSecond`) and resolves once every one has been started. */
export async function startFleet(options: FleetOptions): Promise<RunningFleet> {
  if (options.urls.length === 0) throw new SimulatorError('simulator.bad_option', 'give at least one gateway URL, e.g. ws://127.0.0.1:4320/v1/opamp');
  const transport = transportOf(options.urls);
  if (!Number.isInteger(options.agents) || options.agents < 1) throw new SimulatorError('simulator.bad_option', `the number of agents must be a whole number >= 1, got ${options.agents}`);
  const seed = options.seed ?? randomBytes(4).toString('hex');
  const plans = planFleet({
    agents: options.agents,
    environments: shares(options.environments ?? 'production', 'environments'),
    regions: shares(options.regions ?? 'eu-west-1,us-east-1,ap-south-1', 'regions'),
    behaviours: parseBehaviourShares(options.behaviours ?? ''),
    seed,
  });
  const totals = { offers: 0, applied: 0, failed: 0, connects: 0, disconnects: 0, ownMetricsSent: 0, ownMetricsRefused: 0 };
  const waiters = new Set<() => void>();
  const settings: AgentSettings = {
    transport,
    urls: options.urls,
    headers: options.bearerToken ? { Authorization: `Bearer ${options.bearerToken}` } : ({} as Record<string, string>),
    pollIntervalMs: options.pollIntervalMs ?? 5_000,
    applyDelayMs: options.applyDelayMs ?? { min: 200, max: 1_500 },
    marker: options.marker ?? DEFAULT_MARKER,
    flakyUptimeMs: options.flakyUptimeMs ?? 60_000,
    flakyDowntimeMs: options.flakyDowntimeMs ?? { min: 1_000, max: 5_000 },
    logger: options.logger ?? silentLogger,
    now: Date.now,
    components: options.components ?? null,
    ownMetricsIntervalMs: options.ownMetricsIntervalMs === 0 ? null : (options.ownMetricsIntervalMs ?? 60_000),
  };
  const listen = (agent: SimulatedAgent, event: AgentEvent): void => {
    count(totals, event);
    if (event.kind === 'connected') waiters.forEach((wake) => wake());
    options.onEvent?.(agent, event);
  };
  const agents = plans.map((plan) => new SimulatedAgent(plan, settings, listen));
  const stopping = { requested: false };
  await startAtRate(agents, options.connectPerSecond ?? 1_000, stopping);

  const connected = (): number => agents.reduce((sum, agent) => sum + (agent.snapshot().connected ? 1 : 0), 0);
  return {
    seed,
    agents,
    stats: () => fleetStats(agents.map((agent) => agent.snapshot()), { ...totals }),
    waitUntilConnected: (wanted = agents.length, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (connected() >= wanted) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new SimulatorError('simulator.not_connected', `only ${connected()} of ${wanted} agents connected within ${timeoutMs} ms; is a gateway listening at ${options.urls.join(', ')}?`));
        }, timeoutMs);
        const check = (): void => {
          if (connected() < wanted) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      }),
    stop: async () => {
      stopping.requested = true;
      await Promise.all(agents.map((agent) => agent.stop()));
    },
  };
}

function count(totals: { -readonly [K in keyof FleetTotals]: number }, event: AgentEvent): void {
  switch (event.kind) {
    case 'connected':
      totals.connects += 1;
      return;
    case 'disconnected':
      totals.disconnects += 1;
      return;
    case 'offered':
      totals.offers += 1;
      return;
    case 'reported': {
      const status = event.report.remoteStatus?.status;
      if (status === 'APPLIED' && event.report.runs) totals.applied += 1;
      if (status === 'FAILED') totals.failed += 1;
      return;
    }
    case 'own_metrics':
      if (typeof event.status === 'number' && event.status >= 200 && event.status < 300) totals.ownMetricsSent += 1;
      else totals.ownMetricsRefused += 1;
      return;
    default:
      return assertNever(event);
  }
}

async function startAtRate(agents: readonly SimulatedAgent[], perSecond: number, stopping: { requested: boolean }): Promise<void> {
  const batch = Math.max(1, Math.ceil(perSecond / 20));
  for (let index = 0; index < agents.length && !stopping.requested; index += batch) {
    for (const agent of agents.slice(index, index + batch)) agent.start();
    if (index + batch < agents.length) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function transportOf(urls: readonly string[]): 'ws' | 'http' {
  const schemes = new Set(urls.map((url) => url.split(':')[0]?.toLowerCase()));
  if (schemes.size === 1 && (schemes.has('ws') || schemes.has('wss'))) return 'ws';
  if (schemes.size === 1 && (schemes.has('http') || schemes.has('https'))) return 'http';
  throw new SimulatorError('simulator.bad_option', `gateway URLs must all be ws:// (WebSocket) or all http:// (plain HTTP), got ${urls.join(', ')}`);
}

function shares(value: string | readonly Share[], what: string): readonly Share[] {
  return typeof value === 'string' ? parseShares(value, what) : value;
}

function assertNever(value: never): never {
  throw new Error(`unhandled agent event ${JSON.stringify(value)}`);
}
