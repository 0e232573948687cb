import type { ViewWrite } from '@roost/ports';
import { ROLLOUT_EVENT_SCHEMAS, ROLLOUT_EVENT_TYPES, type RolloutEvent } from '@roost/rollout';
import { assertNever } from './assert-never';
import { agentChangeWrites } from './agent-counters';
import { enrolledFacts, settle, unknownAgentFacts, type AgentFacts, type AgentOutcome } from './agent-outcome';
import type { FragmentReader, FragmentRef, JsonRecordSink } from './fragments';
import { rolloutKeys } from './view-keys';

/** Rollout events about one agent: every one that names an agentId, and AgentJoined. */
export type AgentEvent = Extract<RolloutEvent, { agentId: string }> | Extract<RolloutEvent, { type: 'AgentJoined' }>;

/** The same, read from the event schemas, so a new agent event is projected without a list to update. */
const AGENT_EVENT_TYPES: ReadonlySet<string> = new Set(ROLLOUT_EVENT_TYPES.filter((type) => type === 'AgentJoined' || 'agentId' in ROLLOUT_EVENT_SCHEMAS[type].shape));

export function isAgentEvent(event: RolloutEvent): event is AgentEvent {
  return AGENT_EVENT_TYPES.has(event.type);
}

export function agentIdOf(event: AgentEvent): string {
  return event.type === 'AgentJoined' ? event.agent.agentId : event.agentId;
}

export function agentRef(rolloutId: string, agentId: string): FragmentRef {
  return { key: rolloutKeys.agents(rolloutId), field: agentId };
}

export function readOutcome(fragments: FragmentReader, rolloutId: string, agentId: string): AgentOutcome | null {
  return fragments.readJson<AgentOutcome>(agentRef(rolloutId, agentId));
}

/** The agent's facts after the event; mirrors the rollout engine's evolve, record by record. */
function nextFacts(event: AgentEvent, before: AgentFacts | null): AgentFacts {
  const at = event.at;
  if (event.type === 'AgentJoined') return enrolledFacts(event.agent, at);
  const r = factsFound(before, event.agentId, at);
  switch (event.type) {
    case 'AgentSkipped':
      return { ...r, membership: 'skipped', skip: { reason: event.reason, lockedBy: event.lockedBy } };
    case 'AgentConfigReceived':
      return { ...r, receivedAt: at };
    case 'AgentConfigApplied':
      return { ...r, receivedAt: r.receivedAt ?? at, appliedAt: at, appliedVia: event.via };
    case 'AgentConfigFailed':
      return { ...r, failure: { reason: event.reason, detail: event.detail, details: event.details ?? [], at } };
    case 'AgentHealthChanged':
      return { ...r, health: { healthy: event.healthy, since: event.observedAt, lastError: event.lastError, componentErrors: event.componentErrors ?? [] } };
    case 'AgentConnectionLost':
      return { ...r, connected: false };
    case 'AgentConnectionRestored':
      return { ...r, connected: true };
    case 'AgentExcluded':
      return { ...r, exclusion: { reason: event.reason, at } };
    case 'AgentRevertApplied':
    case 'AgentRevertFailed': {
      if (r.revert === null) return r;
      const outcome = { state: event.type === 'AgentRevertApplied' ? ('applied' as const) : ('failed' as const), at, detail: event.type === 'AgentRevertFailed' ? event.detail : '' };
      return { ...r, revert: { ...r.revert, outcome } };
    }
    default:
      return assertNever(event);
  }
}

/**
 * The agent's facts as an event at `at` finds them (an agent the views never saw is recorded as
 * unknown): the stored record itself, not a copy — every caller builds a new record from it, and
 * settle sets its updatedAt.
 */
export function factsFound(before: AgentFacts | null, agentId: string, at: number): AgentFacts {
  return before ?? unknownAgentFacts(agentId, at);
}

/**
 * Moves one agent's outcome record on: appends the counter writes the change implies to
 * `writes` and returns the new record, which the caller stores (see storeOutcomes).
 */
export function changeAgent(
  rolloutId: string,
  agentId: string,
  at: number,
  fragments: FragmentReader,
  next: (before: AgentFacts | null) => AgentFacts,
  writes: ViewWrite[],
): AgentOutcome {
  const before = readOutcome(fragments, rolloutId, agentId);
  // An outcome is its facts plus what settle derives from them; settle derives them again and
  // nothing reads them before, so the record goes in as it is, not copied without them.
  const after = settle(before, next(before), at);
  for (const write of agentChangeWrites(rolloutId, before, after)) writes.push(write);
  return after;
}

/** Stores outcome records: in one write, or, with a sink, in the sink (see projectBatch). */
export function storeOutcomes(rolloutId: string, outcomes: ReadonlyMap<string, AgentOutcome>, writes: ViewWrite[], records?: JsonRecordSink): void {
  if (records !== undefined) {
    for (const [agentId, outcome] of outcomes) records.putJson({ key: rolloutKeys.agents(rolloutId), field: agentId }, outcome);
    return;
  }
  if (outcomes.size === 0) return;
  const fields: Record<string, string> = {};
  for (const [agentId, outcome] of outcomes) fields[agentId] = JSON.stringify(outcome);
  writes.push({ op: 'hset', key: rolloutKeys.agents(rolloutId), fields });
}

/** The writes of one agent event: its outcome record and the counters it moves. */
export function projectAgentEvent(event: AgentEvent, fragments: FragmentReader, records?: JsonRecordSink): ViewWrite[] {
  const agentId = agentIdOf(event);
  const writes: ViewWrite[] = [];
  const after = changeAgent(event.rolloutId, agentId, event.at, fragments, (before) => nextFacts(event, before), writes);
  storeOutcomes(event.rolloutId, new Map([[agentId, after]]), writes, records);
  return writes;
}
