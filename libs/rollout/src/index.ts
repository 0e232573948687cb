export { decide, decideSteps } from './decide';
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
export { ACTIVE_STATUSES, isActive, memberCount, targetedCount, windowEndsAt } from './state';
export type { PauseCause, RolloutState, RolloutStatus } from './state';
export { FAILURE_REASONS, SKIP_REASONS } from './agent-record';
export type { AgentClass, AgentRecord, AppliedVia, EnrolledAgent, ExclusionReason, FailureReason, RevertOutcome, RevertSource, SkipReason } from './agent-record';
export { AGENT_CLASSES, classify } from './agent-record';
export { lateReportsUntil, openReverts, REVERT_WATCH_MS } from './late-outcomes';
export { assertNever } from './assert-never';
export { describeSkips, skipCounts, skippedForNoFallback } from './skips';
export { forecastRollout } from './forecast';
export { FAST_UNDO_PLAN, undoStart } from './undo';
export type { UndoRequest } from './undo';
export { targetConfigOf } from './target-config';
export type { ComponentForecast, PhaseForecast, RolloutForecast } from './forecast';
export { agentsLackingComponents, missingComponents } from './components';
export type { MissingComponentsPolicy } from './components';
export { startWarnings } from './start-warnings';
export type { StartWarning, StartWarningCode } from './start-warnings';
export { groupSuggestions } from './group-suggestions';
export type { GroupSuggestions } from './group-suggestions';
export { heldAgents, rolloutAgent, rolloutAgents, summarize } from './summary';
export type { RolloutSummary } from './summary';
export { AGENTS_PER_EVENT, ROLLOUT_EVENT_SCHEMA_VERSION } from './rollout-events';
export { ROLLOUT_EVENT_SCHEMAS, ROLLOUT_EVENT_TYPES } from './rollout-event-schemas';
export { agentChunks, eventAssignments, targetedAgentIds } from './agent-chunks';
export { decodeRolloutEvent, encodeRolloutEvent, RolloutEventDecodeError } from './rollout-event-codec';
export type { RolloutEventDecodeReason } from './rollout-event-codec';
export type {
  AgentConfigApplied,
  AgentConfigFailed,
  AgentConfigReceived,
  AgentConnectionLost,
  AgentConnectionRestored,
  AgentExcluded,
  AgentHealthChanged,
  AgentJoined,
  AgentRevertApplied,
  AgentRevertFailed,
  AgentsReleased,
  AgentsReverted,
  ReleasedAgent,
  AgentSkipped,
  AgentsEnrolled,
  AgentsTargeted,
  GateFigures,
  PhaseWaitingForData,
  PhaseAwaitingApproval,
  PhaseFailed,
  PhasePassed,
  PhaseStarted,
  RolloutAborted,
  RolloutCompleted,
  EventBody,
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
  UndoStarted,
} from './rollout-events';
export { NOTIFICATION_KINDS } from './effects';
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
  UndoAgent,
  UndoSkipReason,
  UndoSpec,
} from './inputs';
export type { ErrorDetail, Result, RolloutError, RolloutErrorCode } from './errors';
export { decideBatch, decideBatchSteps } from './decide-batch';
export { runSteps, type Steps } from './steps';
export type { BatchDecision, BatchItem } from './decide-batch';
export { lockHolder } from './rollout-locks';
export { observationsOf, previousConfigHash, reconcileObservations, runningConfigHash, unknownConfigHash } from './fleet-observations';
export type { ObservationContext } from './fleet-observations';
export type { DesiredLedger } from './implied-desired';
export { desiredDrift, impliedConfig, impliedDesired, staleDesired } from './implied-desired';
export { agentTruth } from './agent-truth';
export type { AgentTruth, DesiredEntry, DesiredReason, ReportedConfig } from './agent-truth';
export { checkInvariants, INVARIANT_RULES, invariantSteps } from './invariants';
export type { InvariantRule, InvariantViolation, TruthSnapshot } from './invariants';
export { FLEET_CAUGHT_UP, HELD_RECHECK_MS } from './inputs';
export type { DecisionFacts } from './inputs';
export { DATA_PLANE_METRICS, DATA_PLANE_OPERATORS, dataPlaneSettingsFrom, DEFAULT_MIN_AGENTS_PER_COHORT, DEFAULT_MIN_SAMPLES_PER_AGENT, formatGate, parseGateExpression } from './data-plane-gates';
export type { DataPlaneBound, DataPlaneGate, DataPlaneMetric, DataPlaneOperator, DataPlaneSettings, DataPlaneSpec } from './data-plane-gates';
export { agentFigure, cohortFigure } from './data-plane-verdict';
export type { AgentTelemetryFigures, CohortSummary, DataPlaneGateResult, DataPlaneJudgement, TelemetryFiguresOf } from './data-plane-verdict';
export { NO_COLLECTOR_LOG } from './failure-detail';
export type { CollectorErrorsOf } from './failure-detail';
export { describeDataPlaneFailure } from './gate';
export { DATA_RECHECK_MS } from './inputs';
