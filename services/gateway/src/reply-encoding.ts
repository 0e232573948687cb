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
