import { JetStreamApiError, JetStreamApiCodes } from '@nats-io/jetstream';
import { NoRespondersError, TimeoutError } from '@nats-io/nats-core';
import { PortError } from '@roost/ports';

/** True when the error (or one of its causes) is a JetStream API error with this code. */
export function hasJetStreamCode(error: unknown, code: number): boolean {
  return causes(error).some((e) => e instanceof JetStreamApiError && e.code === code);
}

export const WRONG_LAST_SEQUENCE = JetStreamApiCodes.StreamWrongLastSequence;
export const STREAM_NOT_FOUND = JetStreamApiCodes.StreamNotFound;
export const CONSUMER_NOT_FOUND = JetStreamApiCodes.ConsumerNotFound;

/**
 * Maps a nats.js failure to the port's error catalogue: no responders, timeouts and closed
 * connections get their codes; anything else becomes `unavailable` with the cause kept.
 */
export function toPortError(error: unknown, what: string): PortError {
  if (error instanceof PortError) return error;
  const chain = causes(error);
  const message = chain.map((e) => e.message).join(': ');
  if (chain.some((e) => e instanceof NoRespondersError)) {
    return new PortError('no_responders', `${what}: no responders`);
  }
  if (chain.some((e) => e instanceof TimeoutError)) {
    return new PortError('timeout', `${what}: timed out`);
  }
  return new PortError('unavailable', `${what}: ${message || String(error)}`);
}

function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 8) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}
