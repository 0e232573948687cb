import { assertWithinLimit, type MessageLimitOptions } from './message-limit';
import { OpampError } from './opamp-error';
import { AgentToServer, ServerToAgent, type AgentToServerInit, type ServerToAgentInit } from './proto-types';

/**
 * Binary protobuf encode/decode of the two top-level OpAMP messages, with the size limit.
 * Contract: these functions throw OpampError and nothing else, whatever the input bytes —
 * a malformed message must never take a process down. Unknown fields are dropped (a newer
 * peer's additions are ignored, as protobuf intends).
 */

export function decodeAgentToServer(bytes: Uint8Array, options?: MessageLimitOptions): AgentToServer {
  assertWithinLimit(bytes.length, options, 'AgentToServer');
  return decodeWith(() => AgentToServer.decode(bytes), 'AgentToServer');
}

export function decodeServerToAgent(bytes: Uint8Array, options?: MessageLimitOptions): ServerToAgent {
  assertWithinLimit(bytes.length, options, 'ServerToAgent');
  return decodeWith(() => ServerToAgent.decode(bytes), 'ServerToAgent');
}

/** Throws `opamp.message.too_large` rather than produce a message the peer must refuse. */
export function encodeServerToAgent(message: ServerToAgentInit, options?: MessageLimitOptions): Uint8Array {
  const bytes = encodeWith(() => ServerToAgent.encode(message).finish(), 'ServerToAgent');
  assertWithinLimit(bytes.length, options, 'ServerToAgent');
  return bytes;
}

export function encodeAgentToServer(message: AgentToServerInit, options?: MessageLimitOptions): Uint8Array {
  const bytes = encodeWith(() => AgentToServer.encode(message).finish(), 'AgentToServer');
  assertWithinLimit(bytes.length, options, 'AgentToServer');
  return bytes;
}

function decodeWith<T>(decode: () => T, what: string): T {
  try {
    return decode();
  } catch (cause) {
    // protobufjs raises Error/RangeError for truncated input, bad wire types, invalid
    // lengths and excessive nesting; all of them mean "not a valid message".
    throw new OpampError('opamp.message.malformed', `${what}: ${describe(cause)}`, { cause });
  }
}

function encodeWith(encode: () => Uint8Array, what: string): Uint8Array {
  try {
    return encode();
  } catch (cause) {
    throw new OpampError('opamp.message.unencodable', `${what}: ${describe(cause)}`, { cause });
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
