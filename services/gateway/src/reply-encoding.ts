import Long from 'long';
import { ServerToAgent, encodeServerToAgent, type ServerToAgentInit } from '@roost/opamp';

/**
 * Encodes replies, reusing the bytes of a shared remote config. A config pushed to 10k agents
 * is encoded once: its `remote_config` field (tag, length, AgentRemoteConfig) is appended to
 * each agent's own small message. Protobuf reads fields in any order and a message's encoding
 * is the concatenation of its fields' encodings, so the result decodes exactly like a
 * message encoded in one go.
 */
const preEncoded = new WeakMap<object, Uint8Array>();

/** Encodes `remoteConfig` once as a ServerToAgent field and remembers it for this object. */
export function preEncodeRemoteConfig(remoteConfig: NonNullable<ServerToAgentInit['remoteConfig']>): void {
  preEncoded.set(remoteConfig, ServerToAgent.encode({ remoteConfig }).finish());
}

export interface ReplyLimit {
  readonly maxMessageBytes: number;
}

/** The reply's protobuf bytes. Throws OpampError `opamp.message.too_large` above the limit. */
export function encodeReply(message: ServerToAgentInit, limit: ReplyLimit): Uint8Array {
  const field = message.remoteConfig ? preEncoded.get(message.remoteConfig) : undefined;
  if (!field) return encodeServerToAgent(message, limit);
  const rest = encodeServerToAgent({ ...message, remoteConfig: null }, limit);
  // Over the limit: let the library raise its coded error for the whole message.
  if (rest.length + field.length > limit.maxMessageBytes) return encodeServerToAgent(message, limit);
  const out = new Uint8Array(rest.length + field.length);
  out.set(rest, 0);
  out.set(field, rest.length);
  return out;
}

const NO_FIELD = new Uint8Array(0);
/** OpAMP's WebSocket header: the varint 0. */
const WS_HEADER = 0x00;

/**
 * The reply as one OpAMP WebSocket message: the header, then what `encodeReply` gives, written
 * once into a pooled buffer. Every reply is framed; building the message and then a framed copy
 * cost two fresh allocations of the config's size for each agent a config went to.
 */
export function encodeReplyFrame(message: ServerToAgentInit, limit: ReplyLimit): Buffer {
  const field = (message.remoteConfig ? preEncoded.get(message.remoteConfig) : undefined) ?? NO_FIELD;
  const rest = field === NO_FIELD ? encodeServerToAgent(message, limit) : encodeServerToAgent({ ...message, remoteConfig: null }, limit);
  // Over the limit: let the library raise its coded error for the whole message.
  if (rest.length + field.length > limit.maxMessageBytes) encodeServerToAgent(message, limit);
  const frame = Buffer.allocUnsafe(1 + rest.length + field.length);
  frame[0] = WS_HEADER;
  frame.set(rest, 1);
  frame.set(field, 1 + rest.length);
  return frame;
}

/** The answer to most reports — the agent's uid and the server's capabilities, nothing else — encoded once per agent. */
export interface PlainReply {
  readonly instanceUid: Uint8Array;
  readonly capabilities: Long;
  readonly frame: Buffer;
}

/**
 * `message` as one OpAMP WebSocket message, from `held` when it is the same plain reply (the
 * frame is shared: a sent frame is never written to). Returns what to hold next: the plain
 * reply just encoded, or `held` unchanged for any other message.
 */
export function plainReplyFrame(held: PlainReply | null, message: ServerToAgentInit, limit: ReplyLimit): { frame: Buffer; held: PlainReply | null } {
  const uid = message.instanceUid;
  if (!isPlainReply(message) || uid == null) return { frame: encodeReplyFrame(message, limit), held };
  const capabilities = Long.fromValue(message.capabilities ?? 0, true);
  if (held !== null && held.capabilities.equals(capabilities) && sameBytes(held.instanceUid, uid)) return { frame: held.frame, held };
  const frame = encodeReplyFrame(message, limit);
  return { frame, held: { instanceUid: Uint8Array.from(uid), capabilities, frame } };
}

function isPlainReply(message: ServerToAgentInit): boolean {
  return (
    message.errorResponse == null &&
    message.remoteConfig == null &&
    message.connectionSettings == null &&
    message.packagesAvailable == null &&
    message.flags == null &&
    message.agentIdentification == null &&
    message.command == null &&
    message.customCapabilities == null &&
    message.customMessage == null
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
