export { decide } from './decide';
export type { Decision } from './decision';
export { evolve, replay } from './evolve';
export { nextDeadline } from './deadlines';
export { allowedFailures, gateFigures } from './gate';
export { DEFAULT_PLAN, describeSize, phaseAllowance, validatePlan } from './plan';
export type { Phase, PhaseSize, PhaseSpec } from './plan';
export { DEFAULT_THRESHOLD, DEFAULT_TIMING } from './settings';
export type { RolloutSettings, Timing } from './settings';
export { cohortKey, cohortOrder } from './cohort';
export type { CohortMember } from './cohort';
export { ACTIVE_STATUSES, isActive } from './state';
export type { PauseCause, RolloutState, RolloutStatus } from './state';
export { FAILURE_REASONS, SKIP_REASONS } from './agent-record';
export type { AgentRecord, AppliedVia, EnrolledAgent, ExclusionReason, FailureReason, RevertSource, SkipReason } from './agent-record';
export { heldAgents, rolloutAgent, rolloutAgents, summarize } from './summary';
export type { RolloutSummary } from './summary';
export { AGENTS_PER_EVENT, ROLLOUT_EVENT_SCHEMA_VERSION, ROLLOUT_EVENT_TYPES } from './rollout-events';
export { agentChunks, eventAssignments, targetedAgentIds } from './agent-chunks';
export { decodeRolloutEvent, encodeRolloutEvent, RolloutEventDecodeError } from './rollout-event-codec';
export type {
  AgentConfigApplied,
  AgentConfigFailed,
  AgentConfigReceived,
  AgentConnectionLost,
  AgentConnectionRestored,
  AgentExcluded,
  AgentHealthChanged,
  AgentJoined,
  AgentsReverted,
  AgentSkipped,
  AgentsEnrolled,
  AgentsTargeted,
  GateFigures,
  PhaseAwaitingApproval,
  PhaseFailed,
  PhasePassed,
  PhaseStarted,
  RolloutAborted,
  RolloutCompleted,
  RolloutEvent,
  RolloutEventType,
  RolloutFailed,
  RolloutPaused,
  RolloutPromoted,
  RolloutResumed,
  RolloutRolledBack,
  RevertedAgent,
  RolloutStarted,
  SkipCounts,
  TargetedAgent,
} from './rollout-events';
export type { ArmTimer, DesiredConfigAssignment, DisarmTimer, NotificationKind, Notify, RolloutEffect, SetDesiredConfig } from './effects';
export type {
  AbortRollout,
  AgentConnected,
  AgentDescribed,
  AgentDisconnected,
  AgentObservation,
  DisconnectedPolicy,
  EffectiveConfigReported,
  FailurePolicy,
  HealthReported,
  OperatorAction,
  PauseRollout,
  PromoteRollout,
  RemoteConfigState,
  RemoteConfigStatusReported,
  ResumeRollout,
  RollbackRollout,
  RolloutCommand,
  RolloutInput,
  StartRollout,
  Tick,
  TimingSpec,
} from './inputs';
export type { ErrorDetail, RolloutError, RolloutErrorCode } from './errors';
export { simulateRollout, stillActive } from './simulator/fleet-simulator';
export type { ScheduledAction, SimulatedRollout, SimulationResult, SimulationSpec, TimelineEntry } from './simulator/fleet-simulator';
export { DEFAULT_PREVIOUS_CONFIG, FULL_CAPABILITIES } from './simulator/sim-agent';
export type { AgentBehaviour, SimAgentSpec } from './simulator/sim-agent';
