import { AgentCapability, hasCapability } from '@roost/opamp';
import type { AgentRecord } from './agent-record';
import type { OpampSettings } from './connection-settings-offer';
import type { EnrolmentCredential } from './enrolment-check';
import type { Transport } from './gateway-metrics';

/**
 * Token handover: an agent that connected with an enrolment token and accepts OpAMP connection
 * settings is handed a token of its own (scoped to its instance uid, issued from the token it
 * showed) in a ConnectionSettingsOffers.opamp, and reconnects with it; a token of its own is
 * renewed the same way in the last third of its life. On by a setting only: whoever takes the
 * offer takes endpoint, headers and TLS whole (connection-settings-offer.ts), so the gateway
 * must know the address agents use and, on TLS, the CA they trust.
 */
export interface TokenHandoverSettings {
  /** The OpAMP address agents reconnect to, for WebSocket agents (`ws://` or `wss://`). */
  readonly websocketUrl: string;
  /** The same for plain-HTTP agents (`http://` or `https://`). */
  readonly httpUrl: string;
  /** PEM of the CA the gateways' certificate chains to; null on plain text. */
  readonly caCertPem: string | null;
  /** Lifetime of the tokens handed over. */
  readonly ttlMs: number;
}

/** An offer of a token of its own, waiting for the agent to reconnect with it. */
export interface PendingHandover {
  readonly tokenId: string;
  readonly settings: OpampSettings;
}

/** After a handover that did not take (or could not be issued), the next try waits this long. */
export const HANDOVER_RETRY_MS = 60 * 60_000;

export type HandoverKind = 'exchange' | 'renew';

/**
 * Whether the agent should be handed a token of its own now: it showed an enrolment token (a
 * group token: exchanged; its own token in the last third of the handover lifetime: renewed),
 * accepts OpAMP connection settings, connected without a client certificate (a supervisor
 * taking the offer would drop it), its state is verified, nothing is pending, and the last
 * try is an hour past.
 */
export function handoverDue(record: AgentRecord, credential: EnrolmentCredential | null, now: number, ttlMs: number): HandoverKind | null {
  if (credential === null || !record.connected || !record.state.verified || record.clientCertificate !== null) return null;
  if (!hasCapability(record.state.capabilities, AgentCapability.AcceptsOpAMPConnectionSettings)) return null;
  if (record.handover !== null || now - record.handoverTriedAt < HANDOVER_RETRY_MS) return null;
  if (credential.scope.kind === 'group') return 'exchange';
  return credential.expiresAt - now < ttlMs / 3 ? 'renew' : null;
}

/** The server settings that hand a token over: the address for the agent's transport, the token as its bearer, the CA on TLS. */
export function handoverSettings(settings: TokenHandoverSettings, transport: Transport, tokenText: string): OpampSettings {
  return {
    destinationEndpoint: transport === 'websocket' ? settings.websocketUrl : settings.httpUrl,
    headers: [{ key: 'Authorization', value: `Bearer ${tokenText}` }],
    caCertPem: settings.caCertPem,
  };
}

/**
 * What a new connection does to a pending handover: the agent came back with the token handed
 * over (done) or with another one (it did not take it): either way nothing is pending any more.
 */
export function handoverAfterConnect(pending: PendingHandover | null, newConnection: boolean): PendingHandover | null {
  return newConnection ? null : pending;
}

/** Both transports' addresses from the one the operator gives (`ws(s)://` or `http(s)://`). */
export function handoverUrls(url: string): { websocketUrl: string; httpUrl: string; secure: boolean } {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'wss:' || parsed.protocol === 'https:';
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) throw new Error(`token handover URL "${url}" must start with ws://, wss://, http:// or https://`);
  const rest = url.slice(parsed.protocol.length);
  return { websocketUrl: `${secure ? 'wss' : 'ws'}:${rest}`, httpUrl: `${secure ? 'https' : 'http'}:${rest}`, secure };
}
