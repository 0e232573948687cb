import type { FleetAgent, Target } from '@roost/fleet';
import type { MissingComponentsPolicy } from './components';
import type { DataPlaneSpec } from './data-plane-gates';
import type { TelemetryFiguresOf } from './data-plane-verdict';
import type { CollectorErrorsOf } from './failure-detail';
import type { PhaseSpec } from './plan';

/** What to do with the agents a failed phase touched. */
export type FailurePolicy = 'rollback' | 'pause';
/** What a disconnection past the grace period means for a targeted agent. */
export type DisconnectedPolicy = 'fail' | 'exclude';

export interface TimingSpec {
  /** A targeted agent must show the new config applied (and, if it reports health, healthy) within this. */
  readonly applyTimeoutMs?: number;
  /** A disconnected targeted agent gets this long to come back before the disconnected policy applies. */
  readonly disconnectGraceMs?: number;
  /** An unhealthy report after the push fails the agent if it lasts this long (collectors report unhealthy while starting). */
  readonly healthGraceMs?: number;
}

// ---- operator commands (imperative) -------------------------------------------------------

/** Why an undo leaves an agent of the undone rollout alone, judged from that rollout's record and what the agent runs now. */
export type UndoSkipReason = 'no_previous_config' | 'already_on_config' | 'superseded';

/** One agent the undone rollout touched. */
export interface UndoAgent {
  /** The config it ran before the undone rollout; null when it ran none. */
  readonly returnTo: string | null;
  readonly skip: UndoSkipReason | null;
}

export interface UndoSpec {
  /** The rollout undone. */
  readonly of: string;
  /** Every agent it touched, by id. */
  readonly agents: Readonly<Record<string, UndoAgent>>;
}

export interface StartRollout {
  readonly type: 'StartRollout';
  readonly rolloutId: string;
  readonly target: Target;
  readonly configHash: string;
  /** Each agent's own previous remote config hash (absent: it never had one Roost holds). */
  readonly previousConfigHashes: Readonly<Record<string, string>>;
  /** Agents that run a remote config Roost does not hold: agent id → its hash (they have no previous config to return to, for that reason). */
  readonly unknownConfigHashes?: Readonly<Record<string, string>>;
  readonly plan?: readonly PhaseSpec[];
  /** Failure ratio a phase may have and still pass, in [0, 1]; default 0.1. */
  readonly threshold?: number;
  /** Share of the connected targeted agents that must have an outcome before a phase passes, in (0, 1]; default 1. */
  readonly minOutcomeRatio?: number;
  readonly policy?: FailurePolicy;
  /** Where agents that never had a remote config go on rollback. */
  readonly baselineConfigHash?: string | null;
  /** Lets agents without a previous config take part, keeping the new config if it fails. */
  readonly acceptKeepNewOnFailure?: boolean;
  /** Attribute key whose every value the first phase must cover (e.g. `cloud.region`). */
  readonly stratifyBy?: string | null;
  readonly timing?: TimingSpec;
  readonly disconnectedPolicy?: DisconnectedPolicy;
  /** No phase targets fewer agents than this (capped by the members); default 1. */
  readonly minCanaryAgents?: number;
  /** The component types the config defines (`receivers/otlp`); agents lacking one are handled by `missingComponentsPolicy`. */
  readonly requiredComponents?: readonly string[];
  /** Default `exclude`; `include` checks nothing. */
  readonly missingComponentsPolicy?: MissingComponentsPolicy;
  /** An undo (see undoStart): its members are these agents, not the target's, each going to its own config. */
  readonly undo?: UndoSpec;
  /** Data-plane gates (`exporter.failed_ratio <= control+0.01`), judged at the end of each phase's window; default none. */
  readonly dataPlane?: DataPlaneSpec;
  /** The fleet as the orchestrator sees it now; the engine applies the target itself. */
  readonly fleet: readonly FleetAgent[];
  /** Agents held by other active rollouts: agent id → that rollout's id. */
  readonly lockedAgents: Readonly<Record<string, string>>;
  readonly now: number;
}

interface OperatorCommand<T extends string> {
  readonly type: T;
  readonly rolloutId: string;
  readonly now: number;
  /** Free text from the operator, recorded on the event. */
  readonly reason?: string;
  /** Who asked (a user or token name), recorded on RolloutPaused. */
  readonly actor?: string;
}

export type PauseRollout = OperatorCommand<'PauseRollout'>;
export type ResumeRollout = OperatorCommand<'ResumeRollout'>;
/** End the current phase's window early, or approve a phase that requires approval. */
export type PromoteRollout = OperatorCommand<'PromoteRollout'>;
/** Stop where it is: agents that applied the config keep it, the others go back to the config they ran. */
export type AbortRollout = OperatorCommand<'AbortRollout'>;
/** Fast path: revert every touched agent now. */
export type RollbackRollout = OperatorCommand<'RollbackRollout'>;

export type OperatorAction = PauseRollout | ResumeRollout | PromoteRollout | AbortRollout | RollbackRollout;
export type RolloutCommand = StartRollout | OperatorAction;

// ---- agent observations (facts from the fleet) ---------------------------------------------

/**
 * The agent (re)connected, or its description or capabilities changed. Carries the whole view
 * so the engine can decide membership itself: a joiner of the target, or one that left it.
 */
export interface AgentConnected {
  readonly type: 'AgentConnected';
  readonly agent: FleetAgent;
  readonly previousConfigHash: string | null;
  /** The remote config it runs when Roost does not hold it (so previousConfigHash is null). */
  readonly unknownConfigHash?: string | null;
  /** The other active rollout holding this agent, if any. */
  readonly lockedBy: string | null;
  readonly now: number;
}

export interface AgentDescribed {
  readonly type: 'AgentDescribed';
  readonly agent: FleetAgent;
  readonly previousConfigHash: string | null;
  readonly unknownConfigHash?: string | null;
  readonly lockedBy: string | null;
  readonly now: number;
}

export interface AgentDisconnected {
  readonly type: 'AgentDisconnected';
  readonly agentId: string;
  readonly now: number;
}

export type RemoteConfigState = 'UNSET' | 'APPLIED' | 'APPLYING' | 'FAILED';

export interface RemoteConfigStatusReported {
  readonly type: 'RemoteConfigStatusReported';
  readonly agentId: string;
  readonly hash: string;
  readonly status: RemoteConfigState;
  readonly errorMessage: string;
  /** The agent's health error and its components' errors in the same report, when it reports health: a failure names the most specific. */
  readonly healthError?: string;
  readonly componentErrors?: readonly string[];
  /** When that health report was received: one from before the push says nothing of this config. */
  readonly healthObservedAt?: number;
  readonly now: number;
}

export interface HealthReported {
  readonly type: 'HealthReported';
  readonly agentId: string;
  readonly healthy: boolean;
  readonly lastError: string;
  /** Unhealthy components' errors (`path: error`), deepest first. */
  readonly componentErrors?: readonly string[];
  /** When the report was received from the agent; reports from before the push never count. */
  readonly observedAt: number;
  readonly now: number;
}

export interface EffectiveConfigReported {
  readonly type: 'EffectiveConfigReported';
  readonly agentId: string;
  readonly hash: string | null;
  readonly now: number;
}

export type AgentObservation = AgentConnected | AgentDescribed | AgentDisconnected | RemoteConfigStatusReported | HealthReported | EffectiveConfigReported;

/** Time passing, as data: the orchestrator sends it when an armed timer fires. */
export interface Tick {
  readonly type: 'Tick';
  readonly now: number;
}

export type RolloutInput = RolloutCommand | AgentObservation | Tick;

/**
 * Facts about the orchestrator's own knowledge that every decision reads as data. A gate and
 * every deadline (apply timeout, disconnect and health grace) judge the absence of a report, so
 * they are only decided on a fleet view known to be caught up with the fleet event stream;
 * while it is not, the decision waits and says why (invariant 2, "no judgement blind").
 */
export interface DecisionFacts {
  readonly fleetCaughtUp: boolean;
  /**
   * Each agent's own-metrics figures over a stretch of time, for data-plane gates; absent: no
   * agent reports any (they are judged by the apply and health gates only).
   */
  readonly telemetry?: TelemetryFiguresOf;
  /**
   * The error records of each agent's own logs since a time: an apply or health failure names the
   * collector's own error when one arrived; absent: no agent reports its own logs.
   */
  readonly collectorErrors?: CollectorErrorsOf;
}

export const FLEET_CAUGHT_UP: DecisionFacts = { fleetCaughtUp: true };

/** How soon a decision held for a stale fleet view is tried again. */
export const HELD_RECHECK_MS = 1_000;

/** How soon a phase waiting for data-plane figures is judged again. */
export const DATA_RECHECK_MS = 2_000;
