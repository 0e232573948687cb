import type { AgentRecord } from './agent-record';

/**
 * The rollout's agents, split into buckets so an update copies one bucket rather than the
 * whole fleet: states stay immutable while a decision on a 100k-agent rollout stays cheap.
 */
export interface AgentTable {
  readonly buckets: readonly ReadonlyMap<string, AgentRecord>[];
  readonly size: number;
}

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
  return { buckets: new Array<ReadonlyMap<string, AgentRecord>>(BUCKETS).fill(EMPTY_BUCKET), size: 0 };
}

export function getAgent(table: AgentTable, agentId: string): AgentRecord | undefined {
  return (table.buckets[bucketOf(agentId)] ?? EMPTY_BUCKET).get(agentId);
}

export function allAgents(table: AgentTable): AgentRecord[] {
  const agents: AgentRecord[] = [];
  for (const bucket of table.buckets) for (const agent of bucket.values()) agents.push(agent);
  return agents;
}

/** A table being changed by one decision or one replay; copies each bucket at most once. */
export interface TableDraft {
  readonly buckets: ReadonlyMap<string, AgentRecord>[];
  readonly owned: boolean[];
  size: number;
}

export function draftTable(table: AgentTable): TableDraft {
  return { buckets: [...table.buckets], owned: new Array<boolean>(BUCKETS).fill(false), size: table.size };
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

/** A table of the draft's current content; later changes to the draft copy buckets again, so it stays as it is. */
export function sealTable(draft: TableDraft): AgentTable {
  draft.owned.fill(false);
  return { buckets: [...draft.buckets], size: draft.size };
}
