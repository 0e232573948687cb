// Front door of the read models: Redis key names, what each event writes (pure), and decoders
// and queries of what is stored. The projector writes through it; the admin API reads through it.
export { checkpointKey, fleetKeys, REBUILD_MARKER_KEY, rolloutKeys, rolloutListKeys, UNGROUPED, VIEW_PREFIXES, VIEWS_BUILT_KEY } from './view-keys';
export { markViewsBuilt, viewsState } from './views-readiness';
export type { ViewsState } from './views-readiness';
export { FragmentCache } from './fragments';
export type { FragmentReader, FragmentRef } from './fragments';
export { AGENT_OUTCOME_STATES, outcomeState } from './agent-outcome';
export type { AgentOutcome, AgentOutcomeState } from './agent-outcome';
export { projectRolloutEvent, rolloutEventReads } from './rollout-projection';
export { AGENT_EVENT_LOG_SIZE, agentEventsFromHash } from './agent-event-log';
export type { AgentEventView } from './agent-event-log';
export { fleetEventReads, NO_CONFIG, projectFleetEvent } from './fleet-projection';
export type { HealthState } from './fleet-projection';
export { decodeFleetEvent, decodeRolloutEvent, fleetProjection, rolloutProjection } from './stream-projections';
export type { StreamProjection } from './stream-projections';
export { batchReads, projectBatch } from './project-batch';
export { eventNumber } from './transitions';
export type { RolloutTransition } from './transitions';
export { failureGroupsFromHash, originalStatus, phaseFromHash, rolloutStatusFromHash } from './rollout-status-view';
export type { AgentCounts, FailureGroup, OriginalRolloutStatus, PhaseState, PhaseView, RolloutStatusView } from './rollout-status-view';
export { agentDetailFromHash, fleetCountsFromHash, groupsFromHash } from './fleet-views';
export type { AgentDetailView, DesiredConfigView, FleetCountsView } from './fleet-views';
export {
  listAgentRollouts,
  listAgents,
  listRollouts,
  readAgentDetail,
  readAgentEvents,
  readAgentOutcome,
  readAgentOutcomes,
  readFleetSummary,
  readGroupSummary,
  readRolloutDetail,
  readRolloutStatus,
} from './view-queries';
export type { FleetSummary, Page, Paged, RolloutDetail } from './view-queries';
export { ViewsError } from './views-error';
export type { ViewsErrorCode } from './views-error';
