import type { DesiredConfigAssignment } from './effects';
import { AGENTS_PER_EVENT, type RolloutEvent } from './rollout-events';

/** `items` in order, in runs of at most AGENTS_PER_EVENT: the agents of one multi-agent event each. */
export function agentChunks<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += AGENTS_PER_EVENT) chunks.push(items.slice(i, i + AGENTS_PER_EVENT));
  return chunks;
}

/** The agents `events` target, in the order they were targeted. */
export function targetedAgentIds(events: readonly RolloutEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'AgentsTargeted' ? event.agents.map((agent) => agent.agentId) : []));
}

/**
 * The desired configs an event assigns, in order: each targeted agent gets the rollout's
 * config, each reverted agent the config it goes back to (none for `kept_new`: it keeps what
 * it has), each released agent the config it ran (null: none). What `SetDesiredConfig` carried out for the event, derived again from the event.
 */
export function eventAssignments(event: RolloutEvent): DesiredConfigAssignment[] {
  if (event.type === 'AgentsTargeted') return event.agents.map(({ agentId }) => ({ agentId, configHash: event.configHash }));
  if (event.type === 'AgentsReverted') return event.agents.filter((agent) => agent.source !== 'kept_new').map(({ agentId, configHash }) => ({ agentId, configHash }));
  if (event.type === 'AgentsReleased') return event.agents.map(({ agentId, configHash }) => ({ agentId, configHash }));
  return [];
}
