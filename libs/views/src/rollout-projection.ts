import type { ViewWrite } from '@roost/ports';
import type { RolloutEvent } from '@roost/rollout';
import type { FragmentReader, FragmentRef, JsonRecordSink } from './fragments';
import { agentIdOf, agentRef, isAgentEvent, projectAgentEvent } from './rollout-agent-projection';
import { lifecycleReads, projectLifecycleEvent } from './rollout-lifecycle-projection';
import { enrolmentReads, projectEnrolment } from './rollout-enrolment-projection';
import { assignmentReads, projectAssignments } from './rollout-assignment-projection';
import { projectRolloutStarted, projectUndoStarted } from './rollout-started-projection';
import { eventNumber } from './transitions';
import { rolloutKeys } from './view-keys';

/** The view fragments `projectRolloutEvent` will read for this event. */
export function rolloutEventReads(event: RolloutEvent): FragmentRef[] {
  if (event.type === 'RolloutStarted' || event.type === 'UndoStarted') return [];
  if (event.type === 'AgentsEnrolled') return enrolmentReads(event);
  if (event.type === 'AgentsTargeted' || event.type === 'AgentsReverted' || event.type === 'AgentsReleased') return assignmentReads(event);
  if (isAgentEvent(event)) return [agentRef(event.rolloutId, agentIdOf(event))];
  return lifecycleReads(event);
}

/**
 * The view writes of one rollout event, given the fragments named by `rolloutEventReads`.
 * Pure and total: an event about an agent or a rollout the views never saw still projects
 * (the agent is recorded as unknown) rather than blocking the stream. With a sink, agent
 * outcome records go there rather than into the writes (see projectBatch).
 */
export function projectRolloutEvent(event: RolloutEvent, fragments: FragmentReader, records?: JsonRecordSink): ViewWrite[] {
  if (event.type === 'RolloutStarted') return projectRolloutStarted(event);
  const writes =
    event.type === 'UndoStarted'
      ? projectUndoStarted(event)
      : event.type === 'AgentsEnrolled'
        ? projectEnrolment(event, fragments, records)
        : event.type === 'AgentsTargeted' || event.type === 'AgentsReverted' || event.type === 'AgentsReleased'
          ? projectAssignments(event, fragments, records)
          : isAgentEvent(event)
            ? projectAgentEvent(event, fragments, records)
            : projectLifecycleEvent(event, fragments);
  writes.push({ op: 'hset', key: rolloutKeys.status(event.rolloutId), fields: { updated_at: String(event.at), version: String(eventNumber(event)) } });
  return writes;
}
