import type { AgentToServerInit, ServerToAgent } from '@roost/opamp';
import type { Logger } from '@roost/ports';
import type { Random } from './seeded-random';

/** What a connection asks of its agent. */
export interface ConnectionHooks {
  /** Adds instance uid, sequence number and capabilities to a message about to go out. */
  envelope(init: AgentToServerInit): AgentToServerInit;
  /** Everything the agent knows, for a first message or when the server asks for it. */
  fullState(): AgentToServerInit;
  onConnected(url: string): void;
  onMessage(message: ServerToAgent): void;
  onDisconnected(): void;
}

export interface ConnectionOptions {
  /** Gateways to try, in turn after each failure; the agent starts at `startIndex`. */
  readonly urls: readonly string[];
  readonly startIndex: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly random: Random;
  readonly logger: Logger;
  /** HTTP only: time between polls when there is nothing to report. */
  readonly pollIntervalMs: number;
}

/**
 * One agent's link to a gateway: it keeps reconnecting (or polling) until stopped or dropped,
 * with capped, jittered backoff and the server's Retry-After when over capacity.
 */
export interface Connection {
  readonly connected: boolean;
  /** Connects (again); the full state goes first. */
  start(): void;
  /** Sends a status change; when not connected it is dropped (the full state follows a reconnect). */
  push(init: AgentToServerInit): void;
  /** Cuts the link without a goodbye, as a crash or a network cut would; stays down until start(). */
  drop(): void;
  /** Says goodbye (agent_disconnect) when connected and closes; no reconnect after. */
  stop(): Promise<void>;
}

const BACKOFF_INITIAL_MS = 250;
const BACKOFF_MAX_MS = 10_000;

/** Capped exponential backoff with full jitter. */
export function backoffMs(attempt: number, random: Random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` in seconds as milliseconds (an HTTP date or junk: null). */
export function retryAfterMs(header: string | string[] | undefined): number | null {
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : null;
}
