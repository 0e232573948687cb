import type { ViewWrite } from '@roost/ports';
import type { AgentsEnrolled } from '@roost/rollout';
import { enrolledFacts, type AgentOutcome } from './agent-outcome';
import type { FragmentReader, FragmentRef, JsonRecordSink } from './fragments';
import { agentRef, changeAgent, storeOutcomes } from './rollout-agent-projection';

export function enrolmentReads(event: AgentsEnrolled): FragmentRef[] {
  return event.agents.map((agent) => agentRef(event.rolloutId, agent.agentId));
}

/** Members recorded at the start, up to 500 per event: each one waiting, counted and indexed. */
export function projectEnrolment(event: AgentsEnrolled, fragments: FragmentReader, records?: JsonRecordSink): ViewWrite[] {
  const writes: ViewWrite[] = [];
  const outcomes = new Map<string, AgentOutcome>();
  for (const agent of event.agents) {
    outcomes.set(agent.agentId, changeAgent(event.rolloutId, agent.agentId, event.at, fragments, () => enrolledFacts(agent, event.at), writes));
  }
  storeOutcomes(event.rolloutId, outcomes, writes, records);
  return writes;
}
