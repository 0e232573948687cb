import type { ViewWrite } from '@roost/ports';
import type { AgentsEnrolled } from '@roost/rollout';
import { agentChangeWrites } from './agent-counters';
import { enrolledFacts, settle } from './agent-outcome';
import type { FragmentReader, FragmentRef, JsonRecordSink } from './fragments';
import { agentRef, readOutcome } from './rollout-agent-projection';
import { rolloutKeys } from './view-keys';

export function enrolmentReads(event: AgentsEnrolled): FragmentRef[] {
  return event.agents.map((agent) => agentRef(event.rolloutId, agent.agentId));
}

/** Members recorded at the start, up to 500 per event: each one waiting, counted and indexed. */
export function projectEnrolment(event: AgentsEnrolled, fragments: FragmentReader, records?: JsonRecordSink): ViewWrite[] {
  const writes: ViewWrite[] = [];
  const fields: Record<string, string> = {};
  for (const agent of event.agents) {
    const before = readOutcome(fragments, event.rolloutId, agent.agentId);
    const after = settle(before, enrolledFacts(agent, event.at), event.at);
    for (const write of agentChangeWrites(event.rolloutId, before, after)) writes.push(write);
    if (records === undefined) fields[agent.agentId] = JSON.stringify(after);
    else records.putJson({ key: rolloutKeys.agents(event.rolloutId), field: agent.agentId }, after);
  }
  if (Object.keys(fields).length > 0) writes.push({ op: 'hset', key: rolloutKeys.agents(event.rolloutId), fields });
  return writes;
}
