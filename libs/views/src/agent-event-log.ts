import type { AgentSnapshot, FleetEvent, FleetEventKind } from '@roost/contracts';
import type { ViewWrite } from '@roost/ports';
import { fleetKeys } from './view-keys';

/** How many of an agent's fleet events its log keeps; the oldest slot is overwritten next. */
export const AGENT_EVENT_LOG_SIZE = 20;

/**
 * One fleet event in an agent's log (`roost:fleet:agent:<uid>:events`): what changed and the
 * parts of the snapshot that say how, nothing of the description (the agent detail holds that).
 */
export interface AgentEventView {
  /** The agent's nth event the views recorded (1 for the first): orders the log. */
  readonly n: number;
  readonly id: string;
  readonly type: FleetEventKind;
  readonly changes: readonly FleetEventKind[];
  readonly at: number;
  readonly gatewayId: string;
  /** With `connected`. */
  readonly transport?: AgentSnapshot['transport'];
  /** With `health`: null when the agent stopped reporting it. */
  readonly health?: { readonly healthy: boolean; readonly lastError: string } | null;
  /** With `remote-config-status`. */
  readonly remoteConfigStatus?: { readonly status: string; readonly hash: string; readonly errorMessage: string } | null;
  /** With `effective-config`. */
  readonly effectiveConfigHash?: string | null;
}

/** The log entry of the agent's `n`th recorded event (optional parts added in place, in their order). */
export function agentEventEntry(event: FleetEvent, n: number): AgentEventView {
  const { snapshot, changes } = event;
  const entry: Mutable<AgentEventView> = { n, id: event.id, type: event.type, changes, at: event.at, gatewayId: snapshot.gatewayId };
  if (changes.includes('connected')) entry.transport = snapshot.transport;
  if (changes.includes('health')) entry.health = snapshot.health === null ? null : { healthy: snapshot.health.healthy, lastError: snapshot.health.lastError };
  if (changes.includes('remote-config-status')) {
    const status = snapshot.remoteConfigStatus;
    entry.remoteConfigStatus = status === null ? null : { status: status.status, hash: status.hash, errorMessage: status.errorMessage };
  }
  if (changes.includes('effective-config')) entry.effectiveConfigHash = snapshot.effectiveConfigHash;
  return entry;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Writes the agent's `n`th event into its slot of the ring. */
export function agentEventLogWrite(event: FleetEvent, n: number): ViewWrite {
  return { op: 'hset', key: fleetKeys.agentEvents(event.agentId), fields: { [String((n - 1) % AGENT_EVENT_LOG_SIZE)]: JSON.stringify(agentEventEntry(event, n)) } };
}

/** The log decoded, newest first; unreadable slots are left out. */
export function agentEventsFromHash(hash: Readonly<Record<string, string>>): AgentEventView[] {
  const entries: AgentEventView[] = [];
  for (const text of Object.values(hash)) {
    try {
      entries.push(JSON.parse(text) as AgentEventView);
    } catch {
      // a slot no projection wrote: nothing to show
    }
  }
  return entries.sort((a, b) => b.n - a.n);
}
