import { FLEET_EVENT_KINDS, type AgentEnrolment, type AgentSnapshot, type ClientCertificate, type FleetEvent, type FleetEventKind } from '@roost/contracts';
import type { AgentState } from '@roost/opamp';
import type { Transport } from './gateway-metrics';
import type { OpampSettings } from './connection-settings-offer';
import type { PendingHandover } from './token-handover';

/**
 * What this gateway keeps per agent, keyed by instance uid text (never by socket), across
 * reconnects until it is evicted. Summaries and hashes only, never config bodies: a few
 * hundred bytes per agent. Immutable; each message produces a new record.
 */
export interface AgentRecord {
  readonly agentId: string;
  readonly transport: Transport;
  readonly connected: boolean;
  /** Counts this agent's connections to this gateway; per-connection offers compare it. */
  readonly connection: number;
  readonly lastSeenAt: number;
  /** The merged status (libs/opamp), complete once the agent has reported full state. */
  readonly state: AgentState;
  /** When the last message carrying health / remote config status arrived (ms). */
  readonly healthReportedAt: number;
  readonly remoteConfigReportedAt: number;
  /** Lowercase hex from `agent-desired`: null = none; undefined = not read yet. */
  readonly desiredHash: string | null | undefined;
  /** The `agent-desired` revision `desiredHash` comes from (0: no entry, or not read yet). */
  readonly desiredRevision: number;
  /** The last remote_config sent, for redelivery and for agents that do not report status. */
  readonly lastOffer: ConfigOfferRecord | null;
  /**
   * Configs the agent reported FAILED, each with the assignment it failed under (the
   * `agent-desired` revision held then), newest last (bounded): never offered again within that
   * assignment. A new assignment of the same hash (an operator's new rollout) is a new revision.
   */
  readonly failedHashes: readonly FailedConfig[];
  /** The last connection settings offered (connection-settings-offer.ts); null = never. */
  readonly settingsOffer: SettingsOfferRecord | null;
  /**
   * A `connected` event for this connection is out. It waits until the state is verified
   * (AgentState.verified): a snapshot built on stale or partial state would tell the fleet
   * something untrue (an agent without its description leaves its group).
   */
  readonly announced: boolean;
  /** The verified state this gateway's events last spoke from: the next one's changes are said against it. */
  readonly saidState: AgentState | null;
  /** Messages in a row that arrived one offered heartbeat interval apart (poll-interval.ts). */
  readonly onTimePolls: number;
  /** The TLS client certificate of the connection its messages arrive on (mTLS); null without one. */
  readonly clientCertificate: ClientCertificate | null;
  /** The enrolment token its connection showed; null with the shared token or none. */
  readonly enrolment: AgentEnrolment | null;
  /** A token of its own offered to it and not yet taken (token-handover.ts); null when none is. */
  readonly handover: PendingHandover | null;
  /** When a token of its own was last issued for it (ms; 0: never): the next try waits an hour. */
  readonly handoverTriedAt: number;
}

export interface ConfigOfferRecord {
  readonly hash: string;
  /** The `agent-desired` revision (assignment) it was sent for. */
  readonly revision: number;
  readonly at: number;
  readonly connection: number;
}

export interface SettingsOfferRecord {
  /** Lowercase hex of the offer's hash. */
  readonly hash: string;
  /** The `connection` it was offered on: a new connection is offered again. */
  readonly connection: number;
  /** It carried the heartbeat interval. */
  readonly heartbeat: boolean;
  /** It carried `own_metrics` (absent in records from before own metrics were offered). */
  readonly ownMetrics?: boolean;
  /** It carried `own_logs`. */
  readonly ownLogs?: boolean;
  /** What it was composed from, so later messages on the connection need not compose it again. */
  readonly capabilities?: number;
  readonly opamp?: OpampSettings | null;
  /** Nothing but new capabilities or server settings can change it on this connection. */
  readonly settled?: boolean;
}

/** The heartbeat interval was offered on the agent's current connection. */
export function heartbeatOffered(record: AgentRecord): boolean {
  return record.settingsOffer !== null && record.settingsOffer.heartbeat && record.settingsOffer.connection === record.connection;
}

export interface FailedConfig {
  readonly hash: string;
  readonly revision: number;
}

export const MAX_FAILED_HASHES = 4;

/** An agent's `agent-desired` entry as read or as a nudge carried it; revision 0 = no entry. */
export interface DesiredEntry {
  readonly hash: string | null;
  readonly revision: number;
}

const NOT_READ: Pick<AgentRecord, 'desiredHash' | 'desiredRevision'> = { desiredHash: undefined, desiredRevision: 0 };

/**
 * The desired config a record holds once it has seen `entry` (undefined: nothing new). Reads
 * and nudges race, so an entry older than the one held (a lower KV revision) changes nothing;
 * a missing entry (revision 0) does not undo a known one either.
 */
export function latestDesired(record: AgentRecord | undefined, entry: DesiredEntry | undefined): Pick<AgentRecord, 'desiredHash' | 'desiredRevision'> {
  // Runs for every message: what is held is returned as it is, not copied.
  const held = record ?? NOT_READ;
  if (entry === undefined || (held.desiredHash !== undefined && entry.revision < held.desiredRevision)) return held;
  return { desiredHash: entry.hash, desiredRevision: entry.revision };
}

const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/** What a fleet event needs besides the record. */
export interface EventContext {
  readonly now: number;
  readonly gatewayId: string;
  readonly nextEventId: () => string;
}

/**
 * The one fleet event that reports `changes` of `record`, its `type` the first of them by
 * precedence; null when nothing changed (a heartbeat).
 */
export function fleetEvent(changes: readonly FleetEventKind[], record: AgentRecord, ctx: EventContext): FleetEvent | null {
  const ordered = FLEET_EVENT_KINDS.filter((kind) => changes.includes(kind));
  const type = ordered[0];
  if (type === undefined) return null;
  return { type, schemaVersion: 1, id: ctx.nextEventId(), at: ctx.now, agentId: record.agentId, changes: ordered, snapshot: agentSnapshot(record, ctx.gatewayId) };
}

/** The compact view every fleet event carries. */
export function agentSnapshot(record: AgentRecord, gatewayId: string): AgentSnapshot {
  const { state } = record;
  const { health, remoteConfigStatus: status } = state;
  return {
    agentId: record.agentId,
    gatewayId,
    transport: record.transport,
    connected: record.connected,
    capabilities: state.capabilities,
    // Shared with the immutable state, not copied.
    identifying: state.description?.identifying ?? NO_ATTRIBUTES,
    nonIdentifying: state.description?.nonIdentifying ?? NO_ATTRIBUTES,
    // Fields named one by one: a spread that adds a property costs V8 a microsecond or two,
    // and a snapshot is built for every event.
    health: health
      ? { healthy: health.healthy, lastError: health.lastError, status: health.status, reportedAt: record.healthReportedAt, componentErrors: health.componentErrors as string[] }
      : null,
    remoteConfigStatus: status
      ? { hash: status.hash, status: status.status, errorMessage: status.errorMessage, reportedAt: record.remoteConfigReportedAt }
      : null,
    effectiveConfigHash: state.effectiveConfigHash,
    availableComponents: state.availableComponents as string[] | null,
    clientCertificate: record.clientCertificate,
    enrolment: record.enrolment,
  };
}

/**
 * The record as if the `count` reports a newer one superseded in the queue had been handled:
 * they changed nothing but a time (superseded-reports.ts), so only the sequence number they
 * carried moves on, and the newer report follows it without a gap.
 */
export function afterSupersededReports(record: AgentRecord, count: number): AgentRecord {
  if (count === 0) return record;
  const state = { ...record.state, sequenceNum: record.state.sequenceNum.add(count) };
  return { ...record, state, saidState: record.saidState === record.state ? state : record.saidState };
}
