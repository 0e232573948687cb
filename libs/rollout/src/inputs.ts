import type { FleetAgent, Target } from '@roost/fleet';
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

export interface StartRollout {
  readonly type: 'StartRollout';
  readonly rolloutId: string;
  readonly target: Target;
  readonly configHash: string;
  /** Each agent's own previous remote config hash (absent: it never had one). */
  readonly previousConfigHashes: Readonly<Record<string, string>>;
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
}

export type PauseRollout = OperatorCommand<'PauseRollout'>;
export type ResumeRollout = OperatorCommand<'ResumeRollout'>;
/** End the current phase's window early, or approve a phase that requires approval. */
export type PromoteRollout = OperatorCommand<'PromoteRollout'>;
/** Stop where it is; every agent keeps the config it was given. */
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
  /** The other active rollout holding this agent, if any. */
  readonly lockedBy: string | null;
  readonly now: number;
}

export interface AgentDescribed {
  readonly type: 'AgentDescribed';
  readonly agent: FleetAgent;
  readonly previousConfigHash: string | null;
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
  readonly now: number;
}

export interface HealthReported {
  readonly type: 'HealthReported';
  readonly agentId: string;
  readonly healthy: boolean;
  readonly lastError: string;
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
