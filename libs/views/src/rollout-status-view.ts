import type { Target } from '@roost/fleet';
import { allowedFailures, memberCount, targetedCount, type DataPlaneJudgement, type FailureReason, type GateFigures, type Phase, type RolloutStatus, type SkipReason } from '@roost/rollout';
import { AGENT_OUTCOME_STATES, classCounts, type AgentOutcomeState } from './agent-outcome';

export type AgentCounts = Readonly<Record<AgentOutcomeState, number>>;

/** `stopped`: the rollout ended (aborted, rolled back, failed) while the phase was running or awaiting approval. */
export type PhaseState = 'planned' | 'running' | 'awaiting_approval' | 'passed' | 'failed' | 'stopped';

/** One phase of a rollout's plan, as `roost:rollout:<id>:phase:<n>` holds it. */
export interface PhaseView {
  readonly index: number;
  readonly name: string;
  /** `2%` or `5 agents` (cumulative). */
  readonly size: string;
  readonly windowMs: number;
  readonly requireApproval: boolean;
  readonly state: PhaseState;
  /** Agents the phase may have targeted in total, fixed when it started. */
  readonly allowance: number | null;
  readonly startedAt: number | null;
  readonly windowEndsAt: number | null;
  readonly awaitingApprovalAt: number | null;
  readonly endedAt: number | null;
  readonly passedBy: 'gate' | 'promote' | null;
  /** The figures the gate saw when it passed, failed or asked for approval (with the data-plane gates', when the rollout has them). */
  readonly gate: (GateFigures & { readonly dataPlane?: DataPlaneJudgement }) | null;
  readonly failureReasons: Readonly<Partial<Record<FailureReason, number>>>;
  /** Agents this phase targeted, by their state now. */
  readonly targeted: number;
  readonly applied: number;
  readonly failed: number;
  readonly pending: number;
  readonly disconnected: number;
  /** Targeted here, then excluded (left the target or disconnected past the grace under policy exclude). */
  readonly excluded: number;
}

/** The status a rollout's original design returned; Roost keeps every field. */
export interface OriginalRolloutStatus {
  readonly id: string;
  readonly group: string;
  readonly current_phase: string;
  readonly started_at: string;
  readonly updated_agents: number;
  readonly total_agents: number;
  readonly status: RolloutStatus;
}

/** `roost:rollout:<id>`, decoded. */
export interface RolloutStatusView {
  readonly id: string;
  /** The target group, '' for a label selector. */
  readonly group: string;
  /** `group production` or `selector k=v`. */
  readonly target: string;
  readonly targetSpec: Target | null;
  readonly configHash: string;
  readonly plan: readonly Phase[];
  readonly threshold: number;
  readonly minOutcomeRatio: number;
  readonly policy: string;
  readonly baselineConfigHash: string | null;
  readonly status: RolloutStatus;
  /** Name of the current phase; null before the first phase starts. */
  readonly currentPhase: string | null;
  readonly phaseIndex: number;
  readonly awaitingApproval: boolean;
  readonly pausedBy: string | null;
  readonly pauseReason: string | null;
  /** Who paused it (a user or token name); null when not paused or paused by a failed phase. */
  readonly pausedByActor: string | null;
  /** Agents of the fleet that matched the target at the start. */
  readonly matched: number;
  /** Matched agents eligible to take part at the start. */
  readonly eligible: number;
  /** Members: eligible agents of the target, ever enrolled (the base of phase percentages). */
  readonly members: number;
  /** Agents targeted so far, across phases (excluded ones included). */
  readonly targeted: number;
  readonly counts: AgentCounts;
  readonly skippedBy: Readonly<Partial<Record<SkipReason, number>>>;
  readonly failedBy: Readonly<Partial<Record<FailureReason, number>>>;
  /** failed / (targeted agents still counted): what the gate compares with the threshold. */
  readonly failureRatio: number;
  /** Failures the current population may have and still pass. */
  readonly allowedFailures: number;
  readonly failureReason: string | null;
  readonly failedPhase: number | null;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly endedAt: number | null;
  /** When each transition last happened: started, phase_started, awaiting_approval, paused, resumed, promoted, completed, rolled_back, aborted, failed. */
  readonly timestamps: Readonly<Record<string, number>>;
  /** Position of the last applied event in the rollout's history. */
  readonly version: number;
  /** An undo: the rollout it undoes (each agent went back to its own config from before that one); else null. */
  readonly undoOf: string | null;
  /** The latest rollout that undid this one, else null. */
  readonly undoneBy: string | null;
}

const num = (value: string | undefined, fallback = 0): number => (value === undefined || value === '' ? fallback : Number(value));
const numOrNull = (value: string | undefined): number | null => (value === undefined || value === '' ? null : Number(value));
const textOrNull = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);

function jsonOr<T>(value: string | undefined, fallback: T): T {
  if (value === undefined || value === '') return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

/** Counters of `prefix.<name>` fields with a positive value. */
function prefixed<K extends string>(hash: Readonly<Record<string, string>>, prefix: string): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(prefix) && Number(value) > 0) out[field.slice(prefix.length) as K] = Number(value);
  }
  return out;
}

function countsOf(hash: Readonly<Record<string, string>>): AgentCounts {
  return Object.fromEntries(AGENT_OUTCOME_STATES.map((state) => [state, Math.max(0, num(hash[`agents.${state}`]))])) as Record<AgentOutcomeState, number>;
}

const TIMESTAMP_FIELDS = ['started', 'phase_started', 'awaiting_approval', 'paused', 'resumed', 'promoted', 'completed', 'rolled_back', 'aborted', 'failed', 'ended'];

/** Decodes `roost:rollout:<id>`; null when the rollout is unknown (no start projected). */
export function rolloutStatusFromHash(hash: Readonly<Record<string, string>>): RolloutStatusView | null {
  if (hash.id === undefined || hash.status === undefined) return null;
  const counts = countsOf(hash);
  const targeted = targetedCount(classCounts(counts));
  // Reverted and released agents exist only once the rollout has ended; they were in the population the gates judged.
  const population = targeted - counts.excluded;
  const threshold = num(hash.threshold, 0.1);
  const timestamps: Record<string, number> = {};
  for (const name of TIMESTAMP_FIELDS) if (hash[`${name}_at`] !== undefined) timestamps[name] = num(hash[`${name}_at`]);
  const phaseIndex = num(hash.phase_index, -1);
  return {
    id: hash.id,
    group: hash.group ?? '',
    target: hash.target ?? '',
    targetSpec: jsonOr<Target | null>(hash.target_json, null),
    configHash: hash.config_hash ?? '',
    plan: jsonOr<Phase[]>(hash.plan, []),
    threshold,
    minOutcomeRatio: num(hash.min_outcome_ratio, 1),
    policy: hash.policy ?? '',
    baselineConfigHash: textOrNull(hash.baseline_config_hash),
    status: hash.status as RolloutStatus,
    currentPhase: textOrNull(hash.current_phase),
    phaseIndex,
    awaitingApproval: hash.awaiting_approval === 'true',
    pausedBy: textOrNull(hash.paused_by),
    pauseReason: textOrNull(hash.pause_reason),
    pausedByActor: textOrNull(hash.paused_by_actor),
    matched: num(hash.matched),
    eligible: num(hash.eligible),
    members: memberCount(classCounts(counts)),
    targeted,
    counts,
    skippedBy: prefixed<SkipReason>(hash, 'skipped.'),
    failedBy: prefixed<FailureReason>(hash, 'failures.'),
    failureRatio: population === 0 ? 0 : counts.failed / population,
    allowedFailures: allowedFailures(threshold, population),
    failureReason: textOrNull(hash.failure_reason),
    failedPhase: numOrNull(hash.failed_phase),
    startedAt: num(hash.started_at),
    updatedAt: num(hash.updated_at),
    endedAt: numOrNull(hash.ended_at),
    timestamps,
    version: num(hash.version),
    undoOf: textOrNull(hash.undo_of),
    undoneBy: textOrNull(hash.undone_by),
  };
}

/** The original design's status object (`updated_agents` = agents that applied, `total_agents` = members). */
export function originalStatus(view: RolloutStatusView): OriginalRolloutStatus {
  return {
    id: view.id,
    group: view.group,
    current_phase: view.currentPhase ?? '',
    started_at: new Date(view.startedAt).toISOString(),
    updated_agents: view.counts.applied,
    total_agents: view.members,
    status: view.status,
  };
}

/**
 * Decodes `roost:rollout:<id>:phase:<n>`; null when the hash is empty. `rolloutEndedAt`: when
 * the rollout ended (null while active) — a phase still running or awaiting approval then is
 * `stopped` at that time, never "observing".
 */
export function phaseFromHash(hash: Readonly<Record<string, string>>, rolloutEndedAt: number | null = null): PhaseView | null {
  if (hash.index === undefined) return null;
  const counts = countsOf(hash);
  const stored = (hash.state ?? 'planned') as PhaseState;
  const stopped = rolloutEndedAt !== null && (stored === 'running' || stored === 'awaiting_approval');
  return {
    index: num(hash.index),
    name: hash.name ?? '',
    size: hash.size ?? '',
    windowMs: num(hash.window_ms),
    requireApproval: hash.require_approval === 'true',
    state: stopped ? 'stopped' : stored,
    allowance: numOrNull(hash.allowance),
    startedAt: numOrNull(hash.started_at),
    windowEndsAt: numOrNull(hash.window_ends_at),
    awaitingApprovalAt: numOrNull(hash.awaiting_approval_at),
    endedAt: stopped ? rolloutEndedAt : numOrNull(hash.ended_at),
    passedBy: (textOrNull(hash.passed_by) as 'gate' | 'promote' | null) ?? null,
    gate: jsonOr<(GateFigures & { dataPlane?: DataPlaneJudgement }) | null>(hash.gate, null),
    failureReasons: jsonOr<Partial<Record<FailureReason, number>>>(hash.failure_reasons, {}),
    targeted: targetedCount(classCounts(counts)),
    applied: counts.applied,
    failed: counts.failed,
    pending: counts.pending,
    disconnected: counts.disconnected,
    excluded: counts.excluded,
  };
}

/** "412 agents: unknown processor x". */
export interface FailureGroup {
  readonly message: string;
  readonly agents: number;
}

/** Decodes `roost:rollout:<id>:failures`, largest group first (ties by message). */
export function failureGroupsFromHash(hash: Readonly<Record<string, string>>): FailureGroup[] {
  return Object.entries(hash)
    .map(([message, count]) => ({ message, agents: Number(count) }))
    .filter((group) => group.agents > 0)
    .sort((a, b) => b.agents - a.agents || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}
