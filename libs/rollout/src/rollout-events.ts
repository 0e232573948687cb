import type { AppliedVia, EnrolledAgent, ExclusionReason, FailureReason, RevertSource, SkipReason } from './agent-record';
import type { DataPlaneJudgement } from './data-plane-verdict';
import type { RolloutSettings } from './settings';

export const ROLLOUT_EVENT_SCHEMA_VERSION = 1;

/**
 * Most agents one multi-agent event (AgentsEnrolled, AgentsTargeted, AgentsReverted) carries:
 * about 100 KB of JSON, well under a message's limit, and a 10k-agent phase is 20 appends.
 */
export const AGENTS_PER_EVENT = 500;

/**
 * Fields every rollout event carries. `id` is `<rolloutId>/<n>` where n is the event's position
 * in the rollout's history (1-based): deterministic, so a standby that decides the same input
 * again produces the same ids and the event store's dedup drops the copy.
 */
interface EventBase<T extends string> {
  readonly type: T;
  readonly schemaVersion: typeof ROLLOUT_EVENT_SCHEMA_VERSION;
  readonly id: string;
  readonly rolloutId: string;
  /** The decision's `now` (ms since the epoch). */
  readonly at: number;
}

export type SkipCounts = Readonly<Partial<Record<SkipReason, number>>>;

export interface RolloutStarted extends EventBase<'RolloutStarted'> {
  readonly settings: RolloutSettings;
  /** Agents of the fleet that matched the target. */
  readonly matched: number;
  /** Matched agents eligible to take part; they follow in AgentsEnrolled events. */
  readonly eligible: number;
  readonly skipped: SkipCounts;
}
/**
 * Right after RolloutStarted of an undo: its members (in AgentsEnrolled) each go back to their
 * own config from before `undoOf`, and no agent joins it later. A type of its own, so a Roost
 * that predates undo refuses to lead on such a history rather than misread it.
 */
export interface UndoStarted extends EventBase<'UndoStarted'> {
  readonly undoOf: string;
}
/**
 * Members recorded at the start, in chunks of at most AGENTS_PER_EVENT agents so that no
 * event outgrows a message (JetStream's default limit is 1 MB) on a large fleet.
 */
export interface AgentsEnrolled extends EventBase<'AgentsEnrolled'> {
  readonly agents: readonly EnrolledAgent[];
}
export interface AgentSkipped extends EventBase<'AgentSkipped'> {
  readonly agentId: string;
  readonly reason: SkipReason;
  readonly lockedBy: string | null;
}
/** An agent that matched the target after the start (or became eligible) is now a member. */
export interface AgentJoined extends EventBase<'AgentJoined'> {
  readonly agent: EnrolledAgent;
}
export interface PhaseStarted extends EventBase<'PhaseStarted'> {
  readonly phase: number;
  readonly name: string;
  /** Agents the phase may have targeted in total (cumulative) when it started. */
  readonly allowance: number;
  readonly windowMs: number;
  readonly requireApproval: boolean;
}
export interface TargetedAgent {
  readonly agentId: string;
  /** The config the agent ran before; a rollback sends it back there. */
  readonly previousConfigHash: string | null;
}
/** Agents that get the rollout's config now, up to AGENTS_PER_EVENT per event. */
export interface AgentsTargeted extends EventBase<'AgentsTargeted'> {
  readonly phase: number;
  readonly configHash: string;
  /** Targeted after their phase started (a late joiner or a reconnected member). */
  readonly late: boolean;
  readonly agents: readonly TargetedAgent[];
}
export interface AgentConfigReceived extends EventBase<'AgentConfigReceived'> {
  readonly agentId: string;
}
export interface AgentConfigApplied extends EventBase<'AgentConfigApplied'> {
  readonly agentId: string;
  readonly configHash: string;
  readonly via: AppliedVia;
}
export interface AgentConfigFailed extends EventBase<'AgentConfigFailed'> {
  readonly agentId: string;
  readonly reason: FailureReason;
  /** The one message it is grouped under: the most specific it reported (failure-detail.ts). */
  readonly detail: string;
  /** Every distinct message the agent reported, most specific first; absent in events of earlier Roosts. */
  readonly details?: readonly string[];
}
export interface AgentHealthChanged extends EventBase<'AgentHealthChanged'> {
  readonly agentId: string;
  readonly healthy: boolean;
  readonly lastError: string;
  /** Unhealthy components' errors, deepest first; absent in events of earlier Roosts. */
  readonly componentErrors?: readonly string[];
  readonly observedAt: number;
}
export interface AgentConnectionLost extends EventBase<'AgentConnectionLost'> {
  readonly agentId: string;
}
export interface AgentConnectionRestored extends EventBase<'AgentConnectionRestored'> {
  readonly agentId: string;
}
export interface AgentExcluded extends EventBase<'AgentExcluded'> {
  readonly agentId: string;
  readonly reason: ExclusionReason;
}
/** Counts behind a gate decision, as the gate saw them. */
export interface GateFigures {
  readonly population: number;
  readonly applied: number;
  readonly failed: number;
  readonly pending: number;
  readonly disconnected: number;
  readonly allowedFailures: number;
}
/** The window is over and the apply and health gates would pass, but the data-plane gates wait for enough figures; recorded when the reason changes. */
export interface PhaseWaitingForData extends EventBase<'PhaseWaitingForData'>, GateFigures {
  readonly phase: number;
  /** The cohorts as they stand, every gate `waiting`, and `waiting` saying why. */
  readonly dataPlane: DataPlaneJudgement;
}
export interface PhaseAwaitingApproval extends EventBase<'PhaseAwaitingApproval'>, GateFigures {
  readonly phase: number;
  /** The data-plane gates' figures, when the rollout has data-plane gates. */
  readonly dataPlane?: DataPlaneJudgement;
}
export interface PhasePassed extends EventBase<'PhasePassed'>, GateFigures {
  readonly phase: number;
  readonly by: 'gate' | 'promote';
  /** The data-plane gates' figures, when the rollout has data-plane gates and its gate passed the phase. */
  readonly dataPlane?: DataPlaneJudgement;
}
export interface PhaseFailed extends EventBase<'PhaseFailed'>, GateFigures {
  readonly phase: number;
  readonly reasons: Readonly<Partial<Record<FailureReason, number>>>;
  /** The data-plane gates' figures, when a data-plane gate failed the phase. */
  readonly dataPlane?: DataPlaneJudgement;
}
export interface RolloutPaused extends EventBase<'RolloutPaused'> {
  readonly cause: 'operator' | 'phase_failed';
  readonly reason: string | null;
  /** Who paused it (an operator pause; absent on rollouts paused before it was recorded, null for a failed phase). */
  readonly actor?: string | null;
}
/**
 * The observation window is suspended while a rollout is paused: on resume the current phase's
 * window ends this much later (`pausedMs`), at `windowEndsAt` (absent on events of rollouts
 * resumed before the window stopped with a pause).
 */
export interface RolloutResumed extends EventBase<'RolloutResumed'> {
  readonly reason: string | null;
  readonly phase?: number;
  readonly pausedMs?: number;
  readonly windowEndsAt?: number;
}
export interface RolloutPromoted extends EventBase<'RolloutPromoted'> {
  readonly phase: number;
  readonly reason: string | null;
}
export interface RevertedAgent {
  readonly agentId: string;
  /** The config the agent is sent back to; for `kept_new`, the rollout's config it keeps. */
  readonly configHash: string;
  readonly source: RevertSource;
}
/** Agents a rollback sends back, up to AGENTS_PER_EVENT per event. */
export interface AgentsReverted extends EventBase<'AgentsReverted'> {
  readonly agents: readonly RevertedAgent[];
}
/**
 * A revert's own outcome, recorded whenever it arrives (a rollback ends the rollout before its
 * agents have answered): the agent reported the config it was sent back to APPLIED.
 */
export interface AgentRevertApplied extends EventBase<'AgentRevertApplied'> {
  readonly agentId: string;
  readonly configHash: string;
}
/** The agent reported FAILED for the config a rollback sent it back to. */
export interface AgentRevertFailed extends EventBase<'AgentRevertFailed'> {
  readonly agentId: string;
  readonly configHash: string;
  readonly detail: string;
}
export interface ReleasedAgent {
  readonly agentId: string;
  /** The config it ran before the rollout; null: it had no remote config (its entry then names none). */
  readonly configHash: string | null;
}
/**
 * Targeted agents that never applied the rollout's config when it finished (completed, aborted
 * or failed), up to AGENTS_PER_EVENT per event: their desired config goes back to what they ran,
 * so no undelivered assignment outlives the rollout.
 */
export interface AgentsReleased extends EventBase<'AgentsReleased'> {
  readonly agents: readonly ReleasedAgent[];
}
export interface RolloutCompleted extends EventBase<'RolloutCompleted'> {
  readonly applied: number;
  readonly failed: number;
  readonly excluded: number;
}
export interface RolloutRolledBack extends EventBase<'RolloutRolledBack'> {
  readonly cause: 'phase_failed' | 'operator';
  readonly reason: string | null;
  readonly reverted: number;
  readonly keptNew: number;
}
export interface RolloutAborted extends EventBase<'RolloutAborted'> {
  readonly reason: string | null;
}
export interface RolloutFailed extends EventBase<'RolloutFailed'> {
  readonly reason: 'no_agents_left';
  readonly detail: string;
}

export type RolloutEvent =
  | RolloutStarted
  | UndoStarted
  | AgentsEnrolled
  | AgentSkipped
  | AgentJoined
  | PhaseStarted
  | AgentsTargeted
  | AgentConfigReceived
  | AgentConfigApplied
  | AgentConfigFailed
  | AgentHealthChanged
  | AgentConnectionLost
  | AgentConnectionRestored
  | AgentExcluded
  | PhaseWaitingForData
  | PhaseAwaitingApproval
  | PhasePassed
  | PhaseFailed
  | RolloutPaused
  | RolloutResumed
  | RolloutPromoted
  | AgentsReverted
  | AgentRevertApplied
  | AgentRevertFailed
  | AgentsReleased
  | RolloutCompleted
  | RolloutRolledBack
  | RolloutAborted
  | RolloutFailed;

export type RolloutEventType = RolloutEvent['type'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before the envelope (schema version, id, rollout id, time) is stamped on. */
export type EventBody = DistributiveOmit<RolloutEvent, 'schemaVersion' | 'id' | 'rolloutId' | 'at'>;
