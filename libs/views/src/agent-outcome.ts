import { AGENT_CLASSES, classify, type AgentClass, type AppliedVia, type EnrolledAgent, type ExclusionReason, type FailureReason, type RevertOutcome, type RevertSource, type SkipReason } from '@roost/rollout';

/**
 * Where an agent stands in a rollout, one state at a time (the rollout engine's classes, with
 * `ready` named `applied`): skipped (never a member), waiting (member, not targeted yet), left
 * (left the target before being targeted), then for targeted agents excluded, failed,
 * reverted (sent back by a rollback; `revert.outcome` says how that went), released (the rollout
 * finished before it applied the config, so it went back to the config it ran), disconnected
 * (within the grace period), applied (applied and, if it reports health, healthy since the push)
 * or pending. A rollout that has ended has no pending or disconnected agents.
 */
export type AgentOutcomeState = 'skipped' | 'waiting' | 'left' | 'excluded' | 'failed' | 'reverted' | 'released' | 'disconnected' | 'pending' | 'applied';

export const AGENT_OUTCOME_STATES: readonly AgentOutcomeState[] = ['skipped', 'waiting', 'left', 'excluded', 'failed', 'reverted', 'released', 'disconnected', 'pending', 'applied'];

/** One agent within one rollout, stored as JSON in `roost:rollout:<id>:agents`. */
export interface AgentOutcome {
  readonly agentId: string;
  readonly state: AgentOutcomeState;
  readonly membership: 'member' | 'skipped';
  readonly stratum: string | null;
  readonly reportsRemoteConfig: boolean;
  readonly reportsHealth: boolean;
  /** The phase that targeted it; null until targeted. */
  readonly phase: number | null;
  /** The config it was targeted with (the rollout's config). */
  readonly configHash: string | null;
  readonly previousConfigHash: string | null;
  readonly connected: boolean;
  readonly targetedAt: number | null;
  readonly receivedAt: number | null;
  readonly appliedAt: number | null;
  readonly appliedVia: AppliedVia | null;
  /** Latest health reported since the push (reports from before it are never recorded). */
  readonly health: { readonly healthy: boolean; readonly since: number; readonly lastError: string; readonly componentErrors?: readonly string[] } | null;
  /** `detail`: the most specific message it reported, which failures are grouped by; `details`: every one it reported (absent in outcomes of earlier Roosts). */
  readonly failure: { readonly reason: FailureReason; readonly detail: string; readonly details?: readonly string[]; readonly at: number } | null;
  readonly skip: { readonly reason: SkipReason; readonly lockedBy: string | null } | null;
  readonly exclusion: { readonly reason: ExclusionReason; readonly at: number } | null;
  readonly revert: { readonly configHash: string; readonly source: RevertSource; readonly at: number; readonly outcome: RevertOutcome | null } | null;
  /** Where the rollout's end put it back when it never applied the config (configHash null: no remote config). */
  readonly release: { readonly configHash: string | null; readonly at: number } | null;
  /** What went wrong, for people: the failure detail, else an unhealthy report's error, else the skip reason. */
  readonly error: string | null;
  /** When the last event about this agent happened. */
  readonly updatedAt: number;
  /** When it entered its current state. */
  readonly stateSince: number;
}

/** The fields events change; state, error and stateSince are derived from them. */
export type AgentFacts = Omit<AgentOutcome, 'state' | 'error' | 'stateSince'>;

/** The rollout engine's classification itself (`ready` is named `applied`), so view counts equal the engine's. */
export function outcomeState(agent: AgentFacts): AgentOutcomeState {
  return stateOfClass(classify(agent));
}

/** A view's name for an engine class: the same, but `ready` is `applied`. */
export function stateOfClass(klass: AgentClass): AgentOutcomeState {
  return klass === 'ready' ? 'applied' : klass;
}

/** A view's counts by state as the engine's counts by class, for the engine's own count functions. */
export function classCounts(counts: Readonly<Record<AgentOutcomeState, number>>): Record<AgentClass, number> {
  return Object.fromEntries(AGENT_CLASSES.map((klass) => [klass, counts[stateOfClass(klass)]])) as Record<AgentClass, number>;
}

function errorOf(agent: AgentFacts): string | null {
  if (agent.failure !== null) return agent.failure.detail !== '' ? agent.failure.detail : agent.failure.reason;
  if (agent.revert?.outcome?.state === 'failed') return `revert failed: ${agent.revert.outcome.detail}`;
  if (agent.health !== null && !agent.health.healthy && agent.health.lastError !== '') return agent.health.lastError;
  if (agent.skip !== null) return agent.skip.lockedBy === null ? agent.skip.reason : `${agent.skip.reason} (${agent.skip.lockedBy})`;
  return null;
}

/** The stored outcome after a change at `at`; stateSince moves only when the state does. */
export function settle(before: AgentOutcome | null, facts: AgentFacts, at: number): AgentOutcome {
  const state = outcomeState(facts);
  const stateSince = before !== null && before.state === state ? before.stateSince : at;
  return { ...facts, state, error: errorOf(facts), updatedAt: at, stateSince };
}

/** A member as enrolled on RolloutStarted or AgentJoined: connected, not targeted. */
export function enrolledFacts(agent: EnrolledAgent, at: number): AgentFacts {
  return {
    agentId: agent.agentId,
    membership: 'member',
    stratum: agent.stratum,
    reportsRemoteConfig: agent.reportsRemoteConfig,
    reportsHealth: agent.reportsHealth,
    phase: null,
    configHash: null,
    previousConfigHash: agent.previousConfigHash,
    connected: true,
    targetedAt: null,
    receivedAt: null,
    appliedAt: null,
    appliedVia: null,
    health: null,
    failure: null,
    skip: null,
    exclusion: null,
    revert: null,
    release: null,
    updatedAt: at,
  };
}

/** An agent an event names that the view never saw enrolled (skipped at the start, or lost). */
export function unknownAgentFacts(agentId: string, at: number): AgentFacts {
  return {
    ...enrolledFacts({ agentId, stratum: null, previousConfigHash: null, reportsRemoteConfig: false, reportsHealth: false }, at),
    connected: false,
  };
}

/** The failure message an agent is grouped under (failures grouped by error message). */
export function failureMessage(agent: AgentOutcome): string | null {
  if (agent.state !== 'failed' || agent.failure === null) return null;
  return agent.failure.detail !== '' ? agent.failure.detail : agent.failure.reason;
}
