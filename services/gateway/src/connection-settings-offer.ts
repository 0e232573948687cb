import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import Long from 'long';
import { AgentCapability, hasCapability, type ConnectionSettingsOffersInit, type OpAMPConnectionSettingsInit, type TelemetryConnectionSettingsInit } from '@roost/opamp';

/**
 * New OpAMP server settings for one agent: where to connect and with which headers (a
 * credential handed over), and the CA to trust on TLS.
 *
 * Whoever takes an `opamp` offer takes it whole: the collector's opampsupervisor builds a new
 * server config from the offer alone (an empty endpoint fails validation; no `certificate`
 * means "skip server certificate verification"; its headers replace the old ones) and sets its
 * heartbeat from `heartbeat_interval_seconds` (0 if absent). opamp-go's client itself applies
 * `heartbeat_interval_seconds` of any `opamp` offer to a ReportsHeartbeat agent, 0 included.
 * So every such offer carries the endpoint, the heartbeat, and the CA on TLS.
 */
export interface OpampSettings {
  /** `ws(s)://…` or `http(s)://…`, the transport the agent uses. */
  readonly destinationEndpoint: string;
  readonly headers: readonly OfferedHeader[];
  /** PEM of the CA the server's certificate chains to; null on plain text. */
  readonly caCertPem: string | null;
}

export interface OfferedHeader {
  readonly key: string;
  readonly value: string;
}

/**
 * Where an agent sends its own telemetry (OTLP/HTTP) and with which headers. The collector's
 * opampsupervisor rewrites the collector's `service.telemetry` from it and restarts the
 * collector when the result differs from what runs, so an equal offer changes nothing.
 */
export interface TelemetrySettings {
  readonly destinationEndpoint: string;
  readonly headers: readonly OfferedHeader[];
}

/** Where an agent sends its own metrics and its own logs; null: that part is not offered. */
export interface OwnTelemetrySettings {
  readonly metrics: TelemetrySettings | null;
  readonly logs: TelemetrySettings | null;
}

/** An agent that can take an own-telemetry offer (its collector restarts to take one). */
export function reportsOwnTelemetry(capabilities: number): boolean {
  return hasCapability(capabilities, AgentCapability.ReportsOwnMetrics) || hasCapability(capabilities, AgentCapability.ReportsOwnLogs);
}

/** What the gateway would have one agent use; each part goes only to an agent able to take it. */
export interface ConnectionSettingsPlan {
  /** The agent's AgentCapabilities bits, as last reported. */
  readonly capabilities: number;
  /** The heartbeat interval the gateway offers; 0: none. */
  readonly heartbeatIntervalSeconds: number;
  /** New OpAMP server settings for the agent; null: none. */
  readonly opamp: OpampSettings | null;
  /** Where it sends its own metrics (to ReportsOwnMetrics agents); null or absent: none. */
  readonly ownMetrics?: TelemetrySettings | null;
  /** Where it sends its own logs (to ReportsOwnLogs agents); null or absent: none. */
  readonly ownLogs?: TelemetrySettings | null;
}

/** What the agent can take of a plan, ready to send. */
export interface ComposedOffer {
  readonly offer: ConnectionSettingsOffersInit;
  /** Lowercase hex of `offer.hash`: equal hashes, equal offers. */
  readonly hash: string;
  /** The offer carries `opamp.heartbeat_interval_seconds` (the agent is expected to follow it). */
  readonly heartbeat: boolean;
  /** The offer carries new OpAMP server settings (the agent will reconnect with them). */
  readonly serverSettings: boolean;
  /** The offer carries `own_metrics`. */
  readonly ownMetrics: boolean;
  /** The offer carries `own_logs`. */
  readonly ownLogs: boolean;
}

/**
 * The one ConnectionSettingsOffers for an agent, composed from every part the gateway has for
 * it, or null when it can take none. Pure.
 *
 * - The heartbeat goes to ReportsHeartbeat agents, in `opamp`.
 * - An agent with AcceptsOpAMPConnectionSettings gets `opamp` only with server settings to
 *   hand over: it would take a heartbeat-only offer as new server settings (no endpoint, no
 *   headers) and fail or reconnect with them. When it gets them, the heartbeat rides along.
 * - `own_metrics` goes to ReportsOwnMetrics agents (data-plane gates read what they send),
 *   `own_logs` to ReportsOwnLogs agents (a failure shows the collector's own error records).
 * - `hash` is SHA-256 of a canonical text of every part offered (opamp-go re-processes an offer
 *   without a hash on every message); a heartbeat-only offer keeps the hash it always had.
 */
export function composeConnectionSettingsOffer(plan: ConnectionSettingsPlan): ComposedOffer | null {
  const reportsHeartbeat = hasCapability(plan.capabilities, AgentCapability.ReportsHeartbeat);
  const acceptsServerSettings = hasCapability(plan.capabilities, AgentCapability.AcceptsOpAMPConnectionSettings);
  const heartbeat = reportsHeartbeat && plan.heartbeatIntervalSeconds > 0 ? plan.heartbeatIntervalSeconds : 0;
  const server = acceptsServerSettings ? plan.opamp : null;
  const ownMetrics = hasCapability(plan.capabilities, AgentCapability.ReportsOwnMetrics) ? (plan.ownMetrics ?? null) : null;
  const ownLogs = hasCapability(plan.capabilities, AgentCapability.ReportsOwnLogs) ? (plan.ownLogs ?? null) : null;
  // Every message of a new connection comes here: the common case is served from a cache.
  if (server === null && ownMetrics === null && ownLogs === null) return heartbeat > 0 && !acceptsServerSettings ? heartbeatOnly(heartbeat) : null;

  // Each part adds its fields and its canonical lines (in field order); a part not offered adds neither.
  const offer: ConnectionSettingsOffersInit = {};
  const lines: string[] = [];
  if (server !== null) offer.opamp = serverSettingsPart(server, heartbeat, lines);
  else if (heartbeat > 0 && !acceptsServerSettings) offer.opamp = heartbeatPart(heartbeat, lines);
  if (ownMetrics !== null) offer.ownMetrics = telemetryPart('own_metrics', ownMetrics, lines);
  if (ownLogs !== null) offer.ownLogs = telemetryPart('own_logs', ownLogs, lines);
  const hash = canonicalHash(lines);
  offer.hash = hash;
  return {
    offer,
    hash: bytesToHex(hash),
    heartbeat: offer.opamp?.heartbeatIntervalSeconds !== undefined,
    serverSettings: server !== null,
    ownMetrics: ownMetrics !== null,
    ownLogs: ownLogs !== null,
  };
}

function heartbeatPart(seconds: number, lines: string[]): OpAMPConnectionSettingsInit {
  lines.push(`heartbeat_interval_seconds=${seconds}`);
  return { heartbeatIntervalSeconds: Long.fromNumber(seconds, true) };
}

/** `own_metrics` or `own_logs`: endpoint and headers. */
function telemetryPart(field: string, settings: TelemetrySettings, lines: string[]): TelemetryConnectionSettingsInit {
  lines.push(`${field}.destination_endpoint=${JSON.stringify(settings.destinationEndpoint)}`);
  for (const header of settings.headers) lines.push(`${field}.header=${JSON.stringify([header.key, header.value])}`);
  return { destinationEndpoint: settings.destinationEndpoint, headers: { headers: settings.headers.map((header) => ({ key: header.key, value: header.value })) } };
}

/** `opamp` with new server settings: endpoint, headers, the CA on TLS, and the heartbeat. */
function serverSettingsPart(server: OpampSettings, heartbeat: number, lines: string[]): OpAMPConnectionSettingsInit {
  const opamp: OpAMPConnectionSettingsInit = {
    destinationEndpoint: server.destinationEndpoint,
    headers: { headers: server.headers.map((header) => ({ key: header.key, value: header.value })) },
  };
  if (heartbeat > 0) {
    opamp.heartbeatIntervalSeconds = Long.fromNumber(heartbeat, true);
    lines.push(`heartbeat_interval_seconds=${heartbeat}`);
  }
  lines.push(`opamp.destination_endpoint=${JSON.stringify(server.destinationEndpoint)}`);
  for (const header of server.headers) lines.push(`opamp.header=${JSON.stringify([header.key, header.value])}`);
  if (server.caCertPem !== null) {
    opamp.certificate = { caCert: new TextEncoder().encode(server.caCertPem) };
    lines.push(`opamp.ca_cert=${JSON.stringify(server.caCertPem)}`);
  }
  return opamp;
}

const heartbeatOffers = new Map<number, ComposedOffer>();

/** Composed once per interval: the heartbeat offer goes out on every new connection. */
function heartbeatOnly(seconds: number): ComposedOffer {
  let composed = heartbeatOffers.get(seconds);
  if (!composed) {
    const hash = canonicalHash([`heartbeat_interval_seconds=${seconds}`]);
    composed = { offer: { hash, opamp: { heartbeatIntervalSeconds: Long.fromNumber(seconds, true) } }, hash: bytesToHex(hash), heartbeat: true, serverSettings: false, ownMetrics: false, ownLogs: false };
    heartbeatOffers.set(seconds, composed);
  }
  return composed;
}

function canonicalHash(lines: readonly string[]): Uint8Array {
  return sha256(new TextEncoder().encode(`roost.connection-settings.v1\n${lines.map((line) => `${line}\n`).join('')}`));
}
