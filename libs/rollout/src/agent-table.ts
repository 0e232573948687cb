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
  /** How many of the bucket's agents have that earliest deadline. */
  readonly atDeadline: readonly number[];
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
  return {
    buckets: new Array<ReadonlyMap<string, AgentRecord>>(BUCKETS).fill(EMPTY_BUCKET),
    deadlines: new Array<number>(BUCKETS).fill(Infinity),
    atDeadline: new Array<number>(BUCKETS).fill(0),
    size: 0,
  };
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

/**
 * A table being changed by one decision or one replay; copies each bucket at most once, and
 * nothing until the first change (a decision that changes no agent — a report after the end,
 * a reconcile that finds nothing to do — costs no copy, and sealing it returns the table it
 * started from). It keeps each bucket's earliest deadline, and how many agents have it, as
 * agents are put; only when the last agent with the earliest deadline leaves it is the bucket
 * marked stale and recomputed when sealed. (Recomputing every changed bucket at each seal cost
 * a scan of a 256th of the rollout per decision: quadratic over a rollout, 26 s of decisions
 * for 40k agents.)
 */
export interface TableDraft {
  /** The table this draft still equals (its arrays are shared until the first change); null once changed. */
  unchanged: AgentTable | null;
  buckets: ReadonlyMap<string, AgentRecord>[];
  /** Earliest deadline per bucket, and how many agents have it; exact where not `stale`. */
  deadlines: number[];
  atDeadline: number[];
  /** Buckets copied since the draft was made or last sealed. */
  readonly owned: Set<number>;
  readonly stale: Set<number>;
  readonly deadlineOf: DeadlineOf;
  size: number;
}

export function draftTable(table: AgentTable, deadlineOf: DeadlineOf): TableDraft {
  return {
    unchanged: table,
    buckets: table.buckets as ReadonlyMap<string, AgentRecord>[],
    deadlines: table.deadlines as number[],
    atDeadline: table.atDeadline as number[],
    owned: new Set(),
    stale: new Set(),
    deadlineOf,
    size: table.size,
  };
}

export function draftGet(draft: TableDraft, agentId: string): AgentRecord | undefined {
  return (draft.buckets[bucketOf(agentId)] ?? EMPTY_BUCKET).get(agentId);
}

export function draftPut(draft: TableDraft, agent: AgentRecord): void {
  if (draft.unchanged !== null) {
    draft.buckets = [...draft.buckets];
    draft.deadlines = [...draft.deadlines];
    draft.atDeadline = [...draft.atDeadline];
    draft.unchanged = null;
  }
  const index = bucketOf(agent.agentId);
  let bucket = draft.buckets[index] as Map<string, AgentRecord> | undefined;
  if (bucket === undefined || !draft.owned.has(index)) {
    bucket = new Map(bucket ?? EMPTY_BUCKET);
    draft.buckets[index] = bucket;
    draft.owned.add(index);
  }
  const before = bucket.get(agent.agentId);
  if (before === undefined) draft.size += 1;
  if (!draft.stale.has(index)) {
    const earliest = draft.deadlines[index] ?? Infinity;
    // The replaced agent leaves the count of the earliest deadline; stale once nobody has it.
    if (before !== undefined && earliest !== Infinity && (draft.deadlineOf(before) ?? Infinity) === earliest) {
      draft.atDeadline[index] = (draft.atDeadline[index] ?? 1) - 1;
      if (draft.atDeadline[index] === 0) draft.stale.add(index);
    }
    const next = draft.deadlineOf(agent) ?? Infinity;
    if (next < earliest || (draft.stale.has(index) && next === earliest)) {
      draft.deadlines[index] = next;
      draft.atDeadline[index] = 1;
      draft.stale.delete(index);
    } else if (next === earliest && next !== Infinity) draft.atDeadline[index] = (draft.atDeadline[index] ?? 0) + 1;
  }
  bucket.set(agent.agentId, agent);
}

/** Agents that may be past their deadline at `now`: those of buckets whose earliest deadline has passed or is not known. */
export function draftCandidates(draft: TableDraft, now: number): AgentRecord[] {
  const agents: AgentRecord[] = [];
  draft.buckets.forEach((bucket, index) => {
    if (draft.stale.has(index) || (draft.deadlines[index] ?? Infinity) <= now) for (const agent of bucket.values()) agents.push(agent);
  });
  return agents;
}

/**
 * A table of the draft's current content, with the earliest deadline of every stale bucket
 * recomputed (the table the draft started from when nothing changed). Later changes to the
 * draft copy again, so the table stays as it is.
 */
export function sealTable(draft: TableDraft): AgentTable {
  if (draft.unchanged !== null) return draft.unchanged;
  for (const index of draft.stale) {
    let min = Infinity;
    let count = 0;
    for (const agent of (draft.buckets[index] ?? EMPTY_BUCKET).values()) {
      const deadline = draft.deadlineOf(agent) ?? Infinity;
      if (deadline < min) [min, count] = [deadline, 1];
      else if (deadline === min && deadline !== Infinity) count += 1;
    }
    draft.deadlines[index] = min;
    draft.atDeadline[index] = count;
  }
  draft.stale.clear();
  draft.owned.clear();
  const table: AgentTable = { buckets: draft.buckets, deadlines: draft.deadlines, atDeadline: draft.atDeadline, size: draft.size };
  draft.unchanged = table;
  return table;
}
