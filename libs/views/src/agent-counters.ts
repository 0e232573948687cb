import type { ViewWrite } from '@roost/ports';
import { AGENT_OUTCOME_STATES, failureMessage, type AgentOutcome, type AgentOutcomeState } from './agent-outcome';
import { fleetKeys, rolloutKeys } from './view-keys';

interface Counter {
  readonly key: string;
  readonly field: string;
}

/** `agents.<state>`, built once per state rather than once per counter. */
const STATE_FIELDS = Object.fromEntries(AGENT_OUTCOME_STATES.map((state) => [state, `agents.${state}`])) as Record<AgentOutcomeState, string>;

/**
 * The counters one agent adds 1 to while it is in its current shape: its state in the rollout
 * and in its phase, its failure reason and message, its skip reason. Moving an agent is the
 * difference of two such lists, so counts can never drift from the stored outcomes.
 */
function countersOf(rolloutId: string, status: string, agent: AgentOutcome): Counter[] {
  const byState = STATE_FIELDS[agent.state];
  const counters: Counter[] = [{ key: status, field: byState }];
  if (agent.phase !== null && agent.targetedAt !== null) counters.push({ key: rolloutKeys.phase(rolloutId, agent.phase), field: byState });
  const message = failureMessage(agent);
  if (message !== null && agent.failure !== null) {
    counters.push({ key: status, field: `failures.${agent.failure.reason}` });
    counters.push({ key: rolloutKeys.failures(rolloutId), field: message });
  }
  if (agent.state === 'skipped' && agent.skip !== null) counters.push({ key: status, field: `skipped.${agent.skip.reason}` });
  if (agent.revert !== null && agent.revert.source !== 'kept_new') counters.push({ key: status, field: `reverts.${agent.revert.outcome?.state ?? 'open'}` });
  return counters;
}

const sameCounter = (a: Counter, b: Counter): boolean => a.key === b.key && a.field === b.field;

/** Counter moves and index moves (the rollout's and, on joining, the agent's list of rollouts) for an agent changing from `before` to `after` (the record itself is written by the caller). */
export function agentChangeWrites(rolloutId: string, before: AgentOutcome | null, after: AgentOutcome): ViewWrite[] {
  const writes: ViewWrite[] = [];
  // A handful of counters each: a pairwise comparison is cheaper than any map.
  const status = rolloutKeys.status(rolloutId);
  const left = before === null ? [] : countersOf(rolloutId, status, before);
  const right = countersOf(rolloutId, status, after);
  for (const counter of left) if (!right.some((c) => sameCounter(c, counter))) writes.push({ op: 'hincrby', key: counter.key, field: counter.field, by: -1 });
  for (const counter of right) if (!left.some((c) => sameCounter(c, counter))) writes.push({ op: 'hincrby', key: counter.key, field: counter.field, by: 1 });
  if (before === null) {
    writes.push({ op: 'zadd', key: rolloutKeys.agentIndex(rolloutId), members: [{ member: after.agentId, score: 0 }] });
    writes.push({ op: 'zadd', key: fleetKeys.agentRollouts(after.agentId), members: [{ member: rolloutId, score: after.updatedAt }] });
  }
  if (before === null || before.state !== after.state) {
    if (before !== null) writes.push({ op: 'zrem', key: rolloutKeys.agentsInState(rolloutId, before.state), members: [after.agentId] });
    writes.push({ op: 'zadd', key: rolloutKeys.agentsInState(rolloutId, after.state), members: [{ member: after.agentId, score: after.stateSince }] });
  }
  return writes;
}
