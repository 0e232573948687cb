import { sha256 } from '@noble/hashes/sha2';
import Long from 'long';
import { AgentCapability, hasCapability, type ConnectionSettingsOffersInit } from '@roost/opamp';
import type { AgentRecord } from './agent-record';

/**
 * The heartbeat interval offer: `connection_settings.opamp.heartbeat_interval_seconds`, always
 * with a hash (opamp-go re-processes an offer without one on every message). Offered once per
 * connection to agents that report heartbeats. Not to agents that accept OpAMP connection
 * settings: they would take the offer (no endpoint, no credentials) as new server settings and
 * reconnect with them.
 */
export function heartbeatOfferFor(record: AgentRecord, intervalSeconds: number): ConnectionSettingsOffersInit | null {
  if (intervalSeconds <= 0 || record.heartbeatOfferedOn === record.connection) return null;
  const capabilities = record.state.capabilities;
  if (!hasCapability(capabilities, AgentCapability.ReportsHeartbeat)) return null;
  if (hasCapability(capabilities, AgentCapability.AcceptsOpAMPConnectionSettings)) return null;
  return { hash: heartbeatOfferHash(intervalSeconds), opamp: { heartbeatIntervalSeconds: Long.fromNumber(intervalSeconds, true) } };
}

const hashes = new Map<number, Uint8Array>();

/** SHA-256 of the offer's canonical text, stable for a given interval. */
export function heartbeatOfferHash(intervalSeconds: number): Uint8Array {
  let hash = hashes.get(intervalSeconds);
  if (!hash) {
    hash = sha256(new TextEncoder().encode(`roost.connection-settings.v1\nheartbeat_interval_seconds=${intervalSeconds}\n`));
    hashes.set(intervalSeconds, hash);
  }
  return hash;
}
