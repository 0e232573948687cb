import type { RemoteConfigState } from './inputs';
import { impliedConfig } from './implied-desired';
import { isActive, type RolloutState } from './state';
import { rolloutAgent } from './summary';

/** An agent's `agent-desired` entry as the truth model reads it (configHash null: none desired). */
export interface DesiredEntry {
  readonly configHash: string | null;
  /** The rollout that set it; null when set outside any rollout. */
  readonly rolloutId: string | null;
  readonly setAt: number;
}

/** The remote config status the agent last reported (from the fleet view). */
export interface ReportedConfig {
  readonly hash: string;
  readonly status: RemoteConfigState;
  readonly at: number;
}

/** Why an agent's desired config is what it is; `unjustified` breaks invariant 1. */
export type DesiredReason =
  | { readonly kind: 'none' }
  /** The agent reported it APPLIED: it runs it. */
  | { readonly kind: 'runs_it' }
  /** An active rollout assigns it. */
  | { readonly kind: 'active_rollout'; readonly rolloutId: string }
  /** A rollback sent the agent back to it. */
  | { readonly kind: 'reverted'; readonly rolloutId: string }
  /** A finished rollout put the agent back on the config it ran (or none). */
  | { readonly kind: 'released'; readonly rolloutId: string }
  /** A finished rollout the agent applied it in (or a rollback whose policy lets it keep the new config). */
  | { readonly kind: 'kept'; readonly rolloutId: string }
  | { readonly kind: 'unjustified'; readonly detail: string };

/**
 * One agent's truth: what it should run (desired), why, whether that reached it (delivered: it
 * reported the desired hash, in any status), what it reported, and since when the desired
 * entry holds.
 */
export interface AgentTruth {
  readonly agentId: string;
  readonly desired: DesiredEntry | null;
  readonly why: DesiredReason;
  readonly delivered: boolean;
  readonly reported: ReportedConfig | null;
  readonly since: number | null;
}

/**
 * The truth about one agent from the three sources that hold a part of it: its `agent-desired`
 * entry, its last report, and the rollouts (active and ended) by id. A desired entry is
 * justified when the agent runs it, or when the rollout named on the entry implies exactly it
 * for this agent now (see impliedConfig): assigned by an active rollout, reverted to, released
 * to, or kept after the rollout ended.
 */
export function agentTruth(agentId: string, desired: DesiredEntry | null, reported: ReportedConfig | null, rollouts: ReadonlyMap<string, RolloutState>): AgentTruth {
  const delivered = desired !== null && desired.configHash !== null && reported?.hash === desired.configHash;
  return { agentId, desired, why: desiredReason(agentId, desired, reported, rollouts), delivered, reported, since: desired?.setAt ?? null };
}

function desiredReason(agentId: string, desired: DesiredEntry | null, reported: ReportedConfig | null, rollouts: ReadonlyMap<string, RolloutState>): DesiredReason {
  if (desired === null) return { kind: 'none' };
  if (desired.configHash !== null && reported?.status === 'APPLIED' && reported.hash === desired.configHash) return { kind: 'runs_it' };
  if (desired.rolloutId === null) return desired.configHash === null ? { kind: 'none' } : { kind: 'unjustified', detail: 'set outside any rollout and not what the agent runs' };
  const state = rollouts.get(desired.rolloutId);
  if (state === undefined) return { kind: 'unjustified', detail: `set by rollout ${desired.rolloutId}, which is unknown` };
  const record = rolloutAgent(state, agentId);
  const implied = record === undefined ? undefined : impliedConfig(record, state.settings);
  if (record === undefined || implied !== desired.configHash) {
    const what = implied === undefined ? 'nothing' : (implied ?? 'no config');
    return { kind: 'unjustified', detail: `rollout ${desired.rolloutId} (${state.status}) assigns this agent ${what}, not ${desired.configHash ?? 'no config'}` };
  }
  const rolloutId = desired.rolloutId;
  if (record.revert !== null && record.revert.source !== 'kept_new') return { kind: 'reverted', rolloutId };
  if (record.release !== null) return { kind: 'released', rolloutId };
  if (isActive(state.status)) return { kind: 'active_rollout', rolloutId };
  if (record.appliedAt !== null || record.revert?.source === 'kept_new') return { kind: 'kept', rolloutId };
  return { kind: 'unjustified', detail: `rollout ${rolloutId} ended (${state.status}) without the agent applying ${desired.configHash ?? 'no config'}` };
}
