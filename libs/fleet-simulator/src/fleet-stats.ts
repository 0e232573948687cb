import type { AgentSnapshot } from './simulated-agent';

/** The fleet at a glance. */
export interface FleetStats {
  readonly agents: number;
  readonly connected: number;
  readonly healthy: number;
  /** Agents per config they run (`local` = no remote config), most common first. */
  readonly running: readonly { readonly config: string; readonly agents: number }[];
  /** Agents per last reported remote config status. */
  readonly statuses: Readonly<Record<'UNSET' | 'APPLYING' | 'APPLIED' | 'FAILED', number>>;
  /** Per environment: agents and how many are connected. */
  readonly environments: Readonly<Record<string, { readonly agents: number; readonly connected: number }>>;
  /** Counts since the start. */
  readonly totals: FleetTotals;
}

export interface FleetTotals {
  readonly offers: number;
  /** Exports of own metrics the endpoint took (2xx), and those it refused or that did not reach it. */
  readonly ownMetricsSent: number;
  readonly ownMetricsRefused: number;
  readonly applied: number;
  readonly failed: number;
  readonly connects: number;
  readonly disconnects: number;
}

/** Sums what every agent reports about itself. */
export function fleetStats(snapshots: readonly AgentSnapshot[], totals: FleetTotals): FleetStats {
  const running = new Map<string, number>();
  const statuses = { UNSET: 0, APPLYING: 0, APPLIED: 0, FAILED: 0 };
  const environments: Record<string, { agents: number; connected: number }> = {};
  let connected = 0;
  let healthy = 0;
  for (const agent of snapshots) {
    const config = agent.runningHash ?? 'local';
    running.set(config, (running.get(config) ?? 0) + 1);
    statuses[agent.remoteStatus?.status ?? 'UNSET'] += 1;
    const environment = (environments[agent.environment] ??= { agents: 0, connected: 0 });
    environment.agents += 1;
    if (agent.connected) {
      connected += 1;
      environment.connected += 1;
    }
    if (agent.healthy) healthy += 1;
  }
  return {
    agents: snapshots.length,
    connected,
    healthy,
    running: [...running].map(([config, agents]) => ({ config, agents })).sort((a, b) => b.agents - a.agents || a.config.localeCompare(b.config)),
    statuses,
    environments,
    totals,
  };
}

/** One line for a terminal: `300/300 connected, 296 healthy | runs 3f2a9c1e 150, local 150 | FAILED 4`. */
export function statsLine(stats: FleetStats): string {
  const running = stats.running
    .slice(0, 4)
    .map((entry) => `${entry.config === 'local' ? 'local' : entry.config.slice(0, 8)} ${entry.agents}`)
    .join(', ');
  const statuses = (['APPLYING', 'FAILED'] as const)
    .filter((status) => stats.statuses[status] > 0)
    .map((status) => `${status} ${stats.statuses[status]}`)
    .join(', ');
  return `${stats.connected}/${stats.agents} connected, ${stats.healthy} healthy | runs ${running}${statuses ? ` | ${statuses}` : ''} | offers ${stats.totals.offers}, applied ${stats.totals.applied}, failed ${stats.totals.failed}, disconnects ${stats.totals.disconnects}${stats.totals.ownMetricsSent + stats.totals.ownMetricsRefused > 0 ? ` | own metrics sent ${stats.totals.ownMetricsSent}, refused ${stats.totals.ownMetricsRefused}` : ''}`;
}
