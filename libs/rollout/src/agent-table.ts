import type { AgentRecord } from './agent-record';

/**
 * The rollout's agents, split into buckets so an update copies one bucket rather than the
 * whole fleet: states stay immutable while a decision on a 100k-agent rollout stays cheap.
 * Each bucket also keeps the earliest deadline of its agents, so finding the next deadline
 * or the agents past theirs does not scan the fleet.
 */
export interface AgentTable {
  readonly buckets: readonly ReadonlyMap<string, AgentRecord>[];
  /** Earliest deadline per bucket; Infinity when none of its agents has one. */
  readonly deadlines: readonly number[];
  readonly size: number;
}

/** The deadline of one agent (null: none), supplied by the owner of the table. */
export type DeadlineOf = (agent: AgentRecord) => number | null;

const BUCKETS = 256;

/** FNV-1a 32 over UTF-16 code units: a cheap, stable spread of ids over buckets. */
function bucketOf(agentId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < agentId.length; i += 1) {
    hash ^= agentId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % BUCKETS;
}

const EMPTY_BUCKET: ReadonlyMap<string, AgentRecord> = new Map();

export function emptyTable(): AgentTable {
  return { buckets: new Array<ReadonlyMap<string, AgentRecord>>(BUCKETS).fill(EMPTY_BUCKET), deadlines: new Array<number>(BUCKETS).fill(Infinity), size: 0 };
}

export function getAgent(table: AgentTable, agentId: string): AgentRecord | undefined {
  return (table.buckets[bucketOf(agentId)] ?? EMPTY_BUCKET).get(agentId);
}

export function allAgents(table: AgentTable): AgentRecord[] {
  const agents: AgentRecord[] = [];
  for (const bucket of table.buckets) for (const agent of bucket.values()) agents.push(agent);
  return agents;
}

/** The earliest deadline of any agent in the table, or null. */
export function earliestDeadline(table: AgentTable): number | null {
  const min = Math.min(...table.deadlines);
  return min === Infinity ? null : min;
}

/** A table being changed by one decision or one replay; copies each bucket at most once. */
export interface TableDraft {
  readonly buckets: ReadonlyMap<string, AgentRecord>[];
  readonly deadlines: number[];
  readonly owned: boolean[];
  size: number;
}

export function draftTable(table: AgentTable): TableDraft {
  return { buckets: [...table.buckets], deadlines: [...table.deadlines], owned: new Array<boolean>(BUCKETS).fill(false), size: table.size };
}

export function draftGet(draft: TableDraft, agentId: string): AgentRecord | undefined {
  return (draft.buckets[bucketOf(agentId)] ?? EMPTY_BUCKET).get(agentId);
}

export function draftPut(draft: TableDraft, agent: AgentRecord): void {
  const index = bucketOf(agent.agentId);
  let bucket = draft.buckets[index] as Map<string, AgentRecord> | undefined;
  if (bucket === undefined || !draft.owned[index]) {
    bucket = new Map(bucket ?? EMPTY_BUCKET);
    draft.buckets[index] = bucket;
    draft.owned[index] = true;
  }
  if (!bucket.has(agent.agentId)) draft.size += 1;
  bucket.set(agent.agentId, agent);
}

/**
 * Agents that may be past their deadline at `now`: those of buckets whose earliest deadline
 * has passed, plus every agent of a bucket changed in this draft (its minimum is not yet
 * recomputed).
 */
export function draftCandidates(draft: TableDraft, now: number): AgentRecord[] {
  const agents: AgentRecord[] = [];
  draft.buckets.forEach((bucket, index) => {
    if (draft.owned[index] || (draft.deadlines[index] ?? Infinity) <= now) for (const agent of bucket.values()) agents.push(agent);
  });
  return agents;
}

/**
 * A table of the draft's current content, with the deadline minimum of every changed bucket
 * recomputed. Later changes to the draft copy buckets again, so the table stays as it is.
 */
export function sealTable(draft: TableDraft, deadlineOf: DeadlineOf): AgentTable {
  draft.owned.forEach((owned, index) => {
    if (!owned) return;
    let min = Infinity;
    for (const agent of (draft.buckets[index] ?? EMPTY_BUCKET).values()) {
      const deadline = deadlineOf(agent);
      if (deadline !== null && deadline < min) min = deadline;
    }
    draft.deadlines[index] = min;
    draft.owned[index] = false;
  });
  return { buckets: [...draft.buckets], deadlines: [...draft.deadlines], size: draft.size };
}
