import { AGENT_CAPABILITY, type FleetAgent } from '@roost/fleet';
import { assertNever } from '../assert-never';

/** How a simulated agent treats the rollout's new config (any other config it applies cleanly). */
export type AgentBehaviour =
  | { readonly kind: 'healthy' }
  /** Reports FAILED for the new hash. */
  | { readonly kind: 'fails_apply'; readonly error?: string }
  /** Reports APPLIED, then turns unhealthy and stays so. */
  | { readonly kind: 'unhealthy_after_apply'; readonly error?: string }
  /** Never answers. */
  | { readonly kind: 'silent' }
  /** Reports APPLYING, then APPLIED for its old config (a supervisor reverting on its own). */
  | { readonly kind: 'self_rollback' }
  /** Applies, then drops its connection `afterMs` after receiving the config; comes back after `reconnectAfterMs` if given. */
  | { readonly kind: 'disconnects'; readonly afterMs: number; readonly reconnectAfterMs?: number };

export interface SimAgentSpec {
  readonly agentId: string;
  readonly identifying?: Readonly<Record<string, string>>;
  readonly nonIdentifying?: Readonly<Record<string, string>>;
  readonly capabilities?: number;
  /** The agent's own previous remote config; null = it never had one. Default `cfg-previous`. */
  readonly previousConfigHash?: string | null;
  readonly behaviour?: AgentBehaviour;
  /** Time from receiving a config to reporting it applied. Default 1000 ms. */
  readonly applyDelayMs?: number;
  /** Joins the fleet this long after the start (a late joiner); absent = there from the start. */
  readonly joinAfterMs?: number;
  /** Disconnected at the start (default false). */
  readonly disconnected?: boolean;
}

/** AcceptsRemoteConfig, ReportsRemoteConfig, ReportsHealth and ReportsEffectiveConfig. */
export const FULL_CAPABILITIES =
  AGENT_CAPABILITY.AcceptsRemoteConfig | AGENT_CAPABILITY.ReportsRemoteConfig | AGENT_CAPABILITY.ReportsHealth | AGENT_CAPABILITY.ReportsEffectiveConfig;

export const DEFAULT_PREVIOUS_CONFIG = 'cfg-previous';

export function fleetAgentOf(spec: SimAgentSpec, connected: boolean): FleetAgent {
  return {
    agentId: spec.agentId,
    connected,
    capabilities: spec.capabilities ?? FULL_CAPABILITIES,
    identifying: spec.identifying ?? { 'service.environment': 'production' },
    nonIdentifying: spec.nonIdentifying ?? {},
  };
}

export function previousOf(spec: SimAgentSpec): string | null {
  return spec.previousConfigHash === undefined ? DEFAULT_PREVIOUS_CONFIG : spec.previousConfigHash;
}

/** What an agent tells the server at one moment after receiving a config. */
export interface Report {
  readonly status?: { readonly hash: string; readonly status: 'APPLYING' | 'APPLIED' | 'FAILED'; readonly error?: string };
  readonly healthy?: { readonly healthy: boolean; readonly lastError: string };
  /** Config the agent now runs (also reported as its effective config). */
  readonly runs?: string;
}

export type Reaction =
  | { readonly kind: 'report'; readonly afterMs: number; readonly report: Report }
  | { readonly kind: 'disconnect'; readonly afterMs: number }
  | { readonly kind: 'reconnect'; readonly afterMs: number };

/**
 * What an agent does after receiving `configHash` while running `running`. Like the collector
 * supervisor, it acknowledges at once and is unhealthy while restarting, then reports.
 */
export function reactionsTo(behaviour: AgentBehaviour, configHash: string, running: string | null, delay: number): Reaction[] {
  if (behaviour.kind === 'silent') return [];
  const report = (afterMs: number, content: Report): Reaction => ({ kind: 'report', afterMs, report: content });
  const healthy = { healthy: true, lastError: '' };
  const applied = { status: { hash: configHash, status: 'APPLIED' as const }, runs: configHash };
  const reactions = [report(0, { status: { hash: configHash, status: 'APPLYING' }, healthy: { healthy: false, lastError: 'Agent is starting' } })];
  switch (behaviour.kind) {
    case 'healthy':
      return [...reactions, report(delay, { ...applied, healthy })];
    case 'fails_apply':
      return [...reactions, report(delay, { status: { hash: configHash, status: 'FAILED', error: behaviour.error ?? 'invalid configuration' }, healthy })];
    case 'unhealthy_after_apply':
      return [...reactions, report(delay, { ...applied, healthy: { healthy: false, lastError: behaviour.error ?? 'exporter failing' } })];
    case 'self_rollback':
      return [...reactions, report(delay, { status: { hash: running ?? '', status: 'APPLIED' }, healthy })];
    case 'disconnects': {
      const drop: Reaction[] = [{ kind: 'disconnect', afterMs: behaviour.afterMs }];
      if (behaviour.reconnectAfterMs !== undefined) drop.push({ kind: 'reconnect', afterMs: behaviour.afterMs + behaviour.reconnectAfterMs });
      return [...reactions, report(delay, { ...applied, healthy }), ...drop];
    }
    default:
      return assertNever(behaviour);
  }
}
