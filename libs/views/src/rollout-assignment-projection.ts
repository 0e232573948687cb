import type { ViewWrite } from '@roost/ports';
import type { AgentsReleased, AgentsReverted, AgentsTargeted } from '@roost/rollout';
import type { AgentOutcome } from './agent-outcome';
import type { DesiredConfigView } from './fleet-views';
import type { FragmentReader, FragmentRef, JsonRecordSink } from './fragments';
import { agentRef, changeAgent, storeOutcomes, factsFound } from './rollout-agent-projection';
import { fleetKeys } from './view-keys';

/** Rollout events that assign agents a config: the phase's targets, a rollback's reverts, a finished rollout's releases. */
export type AssignmentEvent = AgentsTargeted | AgentsReverted | AgentsReleased;

export function assignmentReads(event: AssignmentEvent): FragmentRef[] {
  return event.agents.map((agent) => agentRef(event.rolloutId, agent.agentId));
}

/**
 * Up to 500 agents per event: each one's outcome record and counters move on (mirroring the
 * rollout engine's evolve), and each gets its entry in the fleet's desired-config view.
 */
export function projectAssignments(event: AssignmentEvent, fragments: FragmentReader, records?: JsonRecordSink): ViewWrite[] {
  const { rolloutId, at } = event;
  const writes: ViewWrite[] = [];
  const outcomes = new Map<string, AgentOutcome>();
  const desired: Record<string, string> = {};
  const assigned = (agentId: string, configHash: string | null): void => {
    const view: DesiredConfigView = { configHash, rolloutId, setBy: event.type, at };
    desired[agentId] = JSON.stringify(view);
  };
  if (event.type === 'AgentsTargeted') {
    const { phase, configHash } = event;
    for (const { agentId, previousConfigHash } of event.agents) {
      const after = changeAgent(rolloutId, agentId, at, fragments, (before) => ({
        ...factsFound(before, agentId, at),
        phase,
        configHash,
        previousConfigHash,
        targetedAt: at,
        receivedAt: null,
        appliedAt: null,
        appliedVia: null,
        health: null,
        failure: null,
      }), writes);
      outcomes.set(agentId, after);
      assigned(agentId, configHash);
    }
  } else if (event.type === 'AgentsReleased') {
    for (const { agentId, configHash } of event.agents) {
      const release = { configHash, at };
      outcomes.set(agentId, changeAgent(rolloutId, agentId, at, fragments, (before) => ({ ...factsFound(before, agentId, at), release }), writes));
      assigned(agentId, configHash);
    }
  } else {
    for (const { agentId, configHash, source } of event.agents) {
      const revert = { configHash, source, at, outcome: null };
      outcomes.set(agentId, changeAgent(rolloutId, agentId, at, fragments, (before) => ({ ...factsFound(before, agentId, at), revert }), writes));
      assigned(agentId, configHash);
    }
  }
  storeOutcomes(rolloutId, outcomes, writes, records);
  if (event.agents.length > 0) writes.push({ op: 'hset', key: fleetKeys.desired, fields: desired });
  return writes;
}
