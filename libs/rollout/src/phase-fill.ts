import { classify, type AgentRecord } from './agent-record';
import { compareCohort, cohortOrder, type CohortMember } from './cohort';
import { agentOf, populationCount, type DraftState } from './state';

/**
 * The agents a phase's start chose, in cohort order, and how far its targeting has got. A phase
 * start over tens of thousands of agents is targeted FILL_CHUNK agents per decision (the rest on
 * the Ticks that follow at once), so no single decision holds the orchestrator for seconds. The
 * choice is made when PhaseStarted is applied, from the state as it stands then, so a replay of
 * the stored events rebuilds it, and a new leader goes on targeting where the old one stopped.
 */
export interface PhaseFill {
  readonly agentIds: readonly string[];
  /** Entries before it are targeted or passed over; the entry at it is still to be targeted. */
  readonly next: number;
}

/** Agents a decision targets at most from its phase start's choice (10 events of 500). */
export const FILL_CHUNK = 5_000;

/** A member a phase may take now: not targeted yet, still a member, connected. */
export function isFillable(agent: AgentRecord): boolean {
  return agent.connected && classify(agent) === 'waiting';
}

/**
 * The first `room` members a phase may take now, in cohort order. Unstratified, the cohort
 * order of the candidates alone is theirs among all members, so only they are sorted; a
 * stratified order interleaves strata by rank among every member, so all are ordered.
 */
export function nextInCohortOrder(draft: DraftState, room: number): AgentRecord[] {
  if (room <= 0) return [];
  const candidates: AgentRecord[] = [];
  const members: CohortMember[] = [];
  const stratified = draft.settings.stratifyBy !== null;
  for (const bucket of draft.agents.buckets) {
    for (const agent of bucket.values()) {
      if (isFillable(agent)) candidates.push(agent);
      if (stratified && agent.membership === 'member') members.push(agent);
    }
  }
  if (!stratified) return firstInCohortOrder(candidates, room);
  const fillable = new Map(candidates.map((agent) => [agent.agentId, agent]));
  const chosen: AgentRecord[] = [];
  for (const agentId of cohortOrder(draft.settings.rolloutId, members)) {
    if (chosen.length >= room) break;
    const agent = fillable.get(agentId);
    if (agent !== undefined) chosen.push(agent);
  }
  return chosen;
}

/**
 * The first `room` of `agents` in cohort order. A 64-bit cohort key's first 52 bits, as a
 * number, order agents as the key does (ties are ordered by compareCohort): a native numeric sort
 * finds the room-th smallest, and only the agents up to it are sorted with the comparator (a
 * comparator sort of 100,000 agents held the event loop for a quarter of a second).
 */
function firstInCohortOrder(agents: readonly AgentRecord[], room: number): AgentRecord[] {
  const ranks = new Float64Array(agents.length);
  agents.forEach((agent, index) => {
    ranks[index] = cohortRank(agent.cohortKey);
  });
  const cutoff = room >= agents.length ? Infinity : (ranks.slice().sort()[room - 1] as number);
  const within: number[] = [];
  ranks.forEach((rank, index) => {
    if (rank <= cutoff) within.push(index);
  });
  within.sort((a, b) => (ranks[a] as number) - (ranks[b] as number) || compareCohort(agents[a] as AgentRecord, agents[b] as AgentRecord));
  return within.slice(0, room).map((index) => agents[index] as AgentRecord);
}

/** The first 13 hex digits of a cohort key (52 bits, exact as a number); -1 for a key that is not hex. */
function cohortRank(key: string): number {
  const rank = parseInt(key.slice(0, 13), 16);
  return Number.isNaN(rank) ? -1 : rank;
}

/** What PhaseStarted with this allowance chooses: the agents that fill the phase's room. */
export function chooseFill(draft: DraftState, allowance: number): PhaseFill | null {
  const chosen = nextInCohortOrder(draft, allowance - populationCount(draft.counts));
  return chosen.length === 0 ? null : { agentIds: chosen.map((agent) => agent.agentId), next: 0 };
}

/**
 * Passes the entries no longer fillable at the head of the choice (targeted, left, or
 * disconnected since), so the entry at `next` is always one still to target; null once none is.
 * Applied after every event, so the check stays one lookup per event.
 */
export function advanceFill(draft: DraftState): void {
  const fill = draft.fill;
  if (fill === null) return;
  let next = fill.next;
  while (next < fill.agentIds.length) {
    const agent = agentOf(draft, fill.agentIds[next] as string);
    if (agent !== undefined && isFillable(agent)) break;
    next += 1;
  }
  if (next === fill.next) return;
  draft.fill = next < fill.agentIds.length ? { agentIds: fill.agentIds, next } : null;
}

/** The next FILL_CHUNK fillable agents of the phase start's choice. */
export function nextFillChunk(draft: DraftState): AgentRecord[] {
  const fill = draft.fill;
  const chunk: AgentRecord[] = [];
  if (fill === null) return chunk;
  for (let index = fill.next; index < fill.agentIds.length && chunk.length < FILL_CHUNK; index += 1) {
    const agent = agentOf(draft, fill.agentIds[index] as string);
    if (agent !== undefined && isFillable(agent)) chunk.push(agent);
  }
  return chunk;
}
