/**
 * Every Redis key of the read models, built here and nowhere else (documented in
 * docs/architecture.md, "Redis views"). Names are part of Roost's public contract: the admin
 * API, the CLI and outside readers use these builders.
 */

/** Prefixes of the views and their checkpoints; a rebuild deletes exactly these. */
export const VIEW_PREFIXES = ['roost:projector:checkpoint:', 'roost:rollout:', 'roost:rollouts', 'roost:fleet:'] as const;

/**
 * Present (as a checkpoint holding the rebuild's start time) from before a rebuild wipes the
 * views until it has replayed every stream: a projector that finds it at start knows the views
 * are half-built and rebuilds again.
 */
export const REBUILD_MARKER_KEY = 'roost:projector:rebuilding';

/**
 * Present (as a checkpoint holding 1) once the projector has built the views
 * from the streams. Under the checkpoint prefix: a rebuild's wipe and a Redis flush remove it,
 * so its absence says the views are not (yet) what the streams say.
 */
export const VIEWS_BUILT_KEY = 'roost:projector:checkpoint:views-built';

export const rolloutKeys = {
  /** Hash: the rollout's status (see RolloutStatusView). */
  status: (rolloutId: string): string => `roost:rollout:${rolloutId}`,
  /** Hash: agent id → JSON AgentOutcome, every agent the rollout knows. */
  agents: (rolloutId: string): string => `roost:rollout:${rolloutId}:agents`,
  /** Sorted set of every agent id of the rollout (score 0: pages in agent id order). */
  agentIndex: (rolloutId: string): string => `roost:rollout:${rolloutId}:agents:all`,
  /** Sorted set of the agent ids in one outcome state, scored by when they entered it. */
  agentsInState: (rolloutId: string, state: string): string => `roost:rollout:${rolloutId}:agents:${state}`,
  /** Hash: failure message → number of agents currently failed with it. */
  failures: (rolloutId: string): string => `roost:rollout:${rolloutId}:failures`,
  /** Hash: one phase of the plan, its window, its outcome and its per-state counts. */
  phase: (rolloutId: string, phase: number): string => `roost:rollout:${rolloutId}:phase:${phase}`,
  /** Sorted set of JSON transitions, scored by the event's position in the rollout's history. */
  transitions: (rolloutId: string): string => `roost:rollout:${rolloutId}:transitions`,
} as const;

export const rolloutListKeys = {
  /** Sorted set: every rollout id, scored by its start time. */
  all: 'roost:rollouts',
  /** Sorted set: rollouts targeting one group, scored by start time. */
  byGroup: (group: string): string => `roost:rollouts:group:${group}`,
  /** Sorted set: rollouts currently in one status, scored by start time. */
  byStatus: (status: string): string => `roost:rollouts:status:${status}`,
} as const;

export const fleetKeys = {
  /** Hash: one agent's detail (see AgentDetailView). */
  agent: (agentId: string): string => `roost:fleet:agent:${agentId}`,
  /** Sorted set: every agent id ever seen, scored by when it was first seen. */
  agents: 'roost:fleet:agents',
  /** Hash: fleet-wide counters (see FleetSummaryView). */
  summary: 'roost:fleet:summary',
  /** Hash: group → number of agents. */
  groups: 'roost:fleet:groups',
  /** Hash: the counters of one group, same fields as the summary. */
  group: (group: string): string => `roost:fleet:group:${group}`,
  /** Sorted set: the agent ids of one group, scored by when they were first seen. */
  groupAgents: (group: string): string => `roost:fleet:group:${group}:agents`,
  /**
   * Hash: the agent's last AGENT_EVENT_LOG_SIZE fleet events, a ring of slots `0`, `1`, … each
   * holding one JSON AgentEventView (see agent-event-log.ts); written from FLEET_EVENTS only.
   */
  agentEvents: (agentId: string): string => `roost:fleet:agent:${agentId}:events`,
  /** Sorted set: the rollouts the agent took part in (member or skipped), scored by when it joined each; written from ROLLOUT_EVENTS only. */
  agentRollouts: (agentId: string): string => `roost:fleet:agent:${agentId}:rollouts`,
  /** Hash: agent id → JSON DesiredConfigView, as the rollout events last set it. */
  desired: 'roost:fleet:desired',
} as const;

/** Where the projector keeps the last stream sequence applied to the views of `stream`. */
export function checkpointKey(stream: string): string {
  return `roost:projector:checkpoint:${stream}`;
}

/** The group of agents that report no `service.environment`. */
export const UNGROUPED = '(none)';
