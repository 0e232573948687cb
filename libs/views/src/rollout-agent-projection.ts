import type { ViewWrite } from '@roost/ports';
import type { RolloutEvent } from '@roost/rollout';
import { assertNever } from './assert-never';
import { agentChangeWrites } from './agent-counters';
import { enrolledFacts, settle, unknownAgentFacts, type AgentFacts, type AgentOutcome } from './agent-outcome';
import type { FragmentReader, FragmentRef, JsonRecordSink } from './fragments';
import { fleetKeys, rolloutKeys } from './view-keys';

/** Rollout events about one agent (everything that names an agentId, and AgentJoined). */
export type AgentEvent = Extract<
  RolloutEvent,
  {
    type:
      | 'AgentSkipped'
      | 'AgentJoined'
      | 'AgentTargeted'
      | 'AgentConfigReceived'
      | 'AgentConfigApplied'
      | 'AgentConfigFailed'
      | 'AgentHealthChanged'
      | 'AgentConnectionLost'
      | 'AgentConnectionRestored'
      | 'AgentExcluded'
      | 'AgentReverted';
  }
>;

const AGENT_EVENT_TYPES: ReadonlySet<string> = new Set<AgentEvent['type']>([
  'AgentSkipped',
  'AgentJoined',
  'AgentTargeted',
  'AgentConfigReceived',
  'AgentConfigApplied',
  'AgentConfigFailed',
  'AgentHealthChanged',
  'AgentConnectionLost',
  'AgentConnectionRestored',
  'AgentExcluded',
  'AgentReverted',
]);

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
  const r: AgentFacts = { ...(before ?? unknownAgentFacts(event.agentId, at)), updatedAt: at };
  switch (event.type) {
    case 'AgentSkipped':
      return { ...r, membership: 'skipped', skip: { reason: event.reason, lockedBy: event.lockedBy } };
    case 'AgentTargeted':
      return {
        ...r,
        phase: event.phase,
        configHash: event.configHash,
        previousConfigHash: event.previousConfigHash,
        targetedAt: at,
        receivedAt: null,
        appliedAt: null,
        appliedVia: null,
        health: null,
        failure: null,
      };
    case 'AgentConfigReceived':
      return { ...r, receivedAt: at };
    case 'AgentConfigApplied':
      return { ...r, receivedAt: r.receivedAt ?? at, appliedAt: at, appliedVia: event.via };
    case 'AgentConfigFailed':
      return { ...r, failure: { reason: event.reason, detail: event.detail, at } };
    case 'AgentHealthChanged':
      return { ...r, health: { healthy: event.healthy, since: event.observedAt, lastError: event.lastError } };
    case 'AgentConnectionLost':
      return { ...r, connected: false };
    case 'AgentConnectionRestored':
      return { ...r, connected: true };
    case 'AgentExcluded':
      return { ...r, exclusion: { reason: event.reason, at } };
    case 'AgentReverted':
      return { ...r, revert: { configHash: event.configHash, source: event.source, at } };
    default:
      return assertNever(event);
  }
}

function stripDerived(outcome: AgentOutcome): AgentFacts {
  const { state: _state, error: _error, stateSince: _since, ...facts } = outcome;
  return facts;
}

/**
 * The writes of one agent event: its outcome record, the counters it moves, the desired config
 * it sets. With a sink, the record goes there instead of into the writes.
 */
export function projectAgentEvent(event: AgentEvent, fragments: FragmentReader, records?: JsonRecordSink): ViewWrite[] {
  const agentId = agentIdOf(event);
  const before = readOutcome(fragments, event.rolloutId, agentId);
  const after = settle(before, nextFacts(event, before === null ? null : stripDerived(before)), event.at);
  const writes = agentChangeWrites(event.rolloutId, before, after);
  if (records === undefined) writes.push({ op: 'hset', key: rolloutKeys.agents(event.rolloutId), fields: { [agentId]: JSON.stringify(after) } });
  else records.putJson({ key: rolloutKeys.agents(event.rolloutId), field: agentId }, after);
  const desired = desiredConfigOf(event);
  if (desired !== null) writes.push(desired);
  return writes;
}

/** The config the orchestrator now wants the agent to run, as the event implies it. */
function desiredConfigOf(event: AgentEvent): ViewWrite | null {
  if (event.type !== 'AgentTargeted' && event.type !== 'AgentReverted') return null;
  const value = { configHash: event.configHash, rolloutId: event.rolloutId, setBy: event.type, at: event.at };
  return { op: 'hset', key: fleetKeys.desired, fields: { [event.agentId]: JSON.stringify(value) } };
}
