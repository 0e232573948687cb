import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import Long from 'long';
import { decodeAgentToServer, decodeWsFrame, encodeAgentToServer, isOpampError, parseInstanceUid, type AgentToServerInit } from '@roost/opamp';

/**
 * Generated OpAMP inputs for fuzzing the gateway, each with the answer the protocol and Roost's
 * docs require, written from the wire format rather than the gateway's code. Every class but
 * `mutated` is broken (or valid) by construction; a `mutated` input (a valid frame cut short or
 * with bytes flipped) is judged by the OpAMP codec, whose own class inputs check it.
 */

/** What the gateway must do with one WebSocket frame. */
export type WsVerdict =
  /** A ServerToAgent for the sending agent, without error_response. */
  | 'reply'
  /** A ServerToAgent with error_response BadRequest (a bad instance_uid). */
  | 'bad_request'
  /** Nothing sent back; counted in roost_gateway_decode_errors_total under this reason. */
  | 'dropped:bad_header'
  | 'dropped:bad_protobuf'
  | 'dropped:non_binary_frame'
  /** The socket closed with 1009. */
  | 'close:1009';

export type WsInputClass = 'heartbeat' | 'status' | 'bad_uid' | 'bad_header' | 'bad_protobuf' | 'mutated' | 'text' | 'oversize';

/** One frame; `message` gets the socket's agent uid and next sequence number when it is sent. */
export type WsFuzzInput =
  | { readonly kind: WsInputClass; readonly message: AgentToServerInit; readonly verdict: 'reply' }
  | { readonly kind: WsInputClass; readonly frame: Uint8Array | string; readonly verdict: WsVerdict };

export type HttpInputClass = 'poll' | 'gzip_poll' | 'bad_uid' | 'bad_protobuf' | 'mutated' | 'bad_content_type' | 'bad_gzip' | 'unknown_encoding' | 'too_large' | 'wrong_method';

/** One request; `message` gets the worker's agent uid and next sequence number when it is sent. */
export interface HttpFuzzInput {
  readonly kind: HttpInputClass;
  readonly method: 'POST' | 'PUT' | 'GET';
  readonly headers: Readonly<Record<string, string>>;
  readonly message?: AgentToServerInit;
  /** Gzip the encoded `message` (with Content-Encoding: gzip). */
  readonly gzip?: boolean;
  readonly body?: Uint8Array;
  /** The HTTP status; with 200, whether the reply carries error_response BadRequest. */
  readonly status: 200 | 400 | 405 | 413 | 415;
  readonly badRequest?: boolean;
}

const PROTOBUF = { 'Content-Type': 'application/x-protobuf' } as const;

const text = (max: number) => fc.string({ maxLength: max });
const attributes = fc.array(fc.record({ key: text(16), value: fc.record({ stringValue: text(24) }) }), { maxLength: 4 });
/** Status an agent may report: any combination of description, health, remote config status and capabilities. */
const statusFields: fc.Arbitrary<AgentToServerInit> = fc.record(
  {
    agentDescription: fc.record({ identifyingAttributes: attributes, nonIdentifyingAttributes: attributes }),
    health: fc.record({ healthy: fc.boolean(), lastError: text(40), status: text(12) }),
    remoteConfigStatus: fc.record({ lastRemoteConfigHash: fc.uint8Array({ maxLength: 32 }), status: fc.integer({ min: 0, max: 3 }), errorMessage: text(40) }),
    capabilities: fc.integer({ min: 0, max: 0x3fff }).map((bits) => Long.fromNumber(bits, true)),
  },
  { requiredKeys: [] },
);
/** instance_uid lengths that are neither a UUID (16) nor a ULID (26). */
const badUid = fc.uint8Array({ maxLength: 40 }).filter((uid) => uid.length !== 16 && uid.length !== 26);
const anyMessage: fc.Arbitrary<AgentToServerInit> = fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), statusFields).map(([instanceUid, fields]) => ({ instanceUid, ...fields }));

/** A protobuf varint. */
function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

/**
 * A tail no protobuf decoder can read, on a field number AgentToServer does not define (so the
 * decoder skips it by wire type): wire type 6 or 7, a length past the end, a varint or fixed64
 * cut short.
 */
const unreadableTail: fc.Arbitrary<number[]> = fc.tuple(fc.integer({ min: 100, max: 100_000 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 100_000 })).map(([field, how, n]) => {
  switch (how) {
    case 0:
      return varint(field * 8 + 6);
    case 1:
      return varint(field * 8 + 7);
    case 2:
      return [...varint(field * 8 + 2), ...varint(n)];
    case 3:
      return [...varint(field * 8), 0x80 | (n & 0x7f)];
    default:
      return [...varint(field * 8 + 1), ...Array.from({ length: n % 8 }, (_, i) => i)];
  }
});

/** A first byte that is a non-zero header: neither 0 nor the start of a field tag (field > 0, wire type 0, 1, 2 or 5). */
const badHeaderByte = fc.integer({ min: 1, max: 255 }).filter((byte) => (byte & 0xf8) === 0 || [3, 4, 6, 7].includes(byte & 0x07));

function frameOf(message: AgentToServerInit): Uint8Array {
  return Uint8Array.of(0x00, ...encodeAgentToServer(message));
}

/** A valid frame cut short, or with some bytes replaced. */
const mutatedFrame = fc.tuple(anyMessage, fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 })).map(([message, cut, flips]) => {
  const frame = frameOf(message);
  for (const [at, byte] of flips) frame[at % frame.length] = byte;
  return frame.subarray(0, flips.length === 0 ? cut % (frame.length + 1) : frame.length);
});

/** What the gateway must do with `frame` (the codec's verdict; the limit gives 1009). */
export function wsVerdictOf(frame: Uint8Array, maxMessageBytes: number): WsVerdict {
  if (frame.length > maxMessageBytes) return 'close:1009';
  try {
    const message = decodeAgentToServer(decodeWsFrame(frame).data);
    parseInstanceUid(message.instanceUid);
    return 'reply';
  } catch (error) {
    if (!isOpampError(error)) throw error;
    if (error.code.startsWith('opamp.frame.')) return 'dropped:bad_header';
    if (error.code.startsWith('opamp.instance_uid.')) return 'bad_request';
    return 'dropped:bad_protobuf';
  }
}

/** WebSocket frames of every class, weighted towards what keeps a socket open; `oversize` only when `withOversize`. */
export function wsFuzzInput(maxMessageBytes: number, withOversize: boolean): fc.Arbitrary<WsFuzzInput> {
  const kinds: fc.WeightedArbitrary<WsFuzzInput>[] = [
    { weight: 30, arbitrary: fc.constant({ kind: 'heartbeat', message: {}, verdict: 'reply' }) },
    { weight: 5, arbitrary: statusFields.map((message) => ({ kind: 'status', message, verdict: 'reply' })) },
    { weight: 15, arbitrary: fc.tuple(badUid, statusFields).map(([instanceUid, fields]) => ({ kind: 'bad_uid', frame: frameOf({ ...fields, instanceUid }), verdict: 'bad_request' })) },
    { weight: 15, arbitrary: fc.tuple(badHeaderByte, fc.uint8Array({ maxLength: 64 })).map(([first, rest]) => ({ kind: 'bad_header', frame: Uint8Array.of(first, ...rest), verdict: 'dropped:bad_header' })) },
    {
      weight: 20,
      arbitrary: fc.tuple(anyMessage, unreadableTail).map(([message, tail]) => ({ kind: 'bad_protobuf', frame: Uint8Array.of(...frameOf(message), ...tail), verdict: 'dropped:bad_protobuf' })),
    },
    { weight: 10, arbitrary: mutatedFrame.map((frame) => ({ kind: 'mutated', frame, verdict: wsVerdictOf(frame, maxMessageBytes) })) },
    { weight: 5, arbitrary: text(64).map((frame) => ({ kind: 'text', frame, verdict: 'dropped:non_binary_frame' })) },
  ];
  if (withOversize) {
    const oversize = fc.integer({ min: maxMessageBytes + 1, max: maxMessageBytes * 2 }).map((length) => ({ kind: 'oversize' as const, frame: new Uint8Array(length), verdict: 'close:1009' as const }));
    kinds.push({ weight: 1, arbitrary: oversize });
  }
  return fc.oneof(...kinds);
}

/** The HTTP status a body gets from the codec's verdict. */
export function httpVerdictOf(body: Uint8Array): Pick<HttpFuzzInput, 'status' | 'badRequest'> {
  try {
    parseInstanceUid(decodeAgentToServer(body).instanceUid);
    return { status: 200 };
  } catch (error) {
    if (!isOpampError(error)) throw error;
    return error.code.startsWith('opamp.instance_uid.') ? { status: 200, badRequest: true } : { status: 400 };
  }
}

/** Plain-HTTP requests of every class. */
export function httpFuzzInput(maxMessageBytes: number): fc.Arbitrary<HttpFuzzInput> {
  const post = (kind: HttpInputClass, rest: Omit<HttpFuzzInput, 'kind' | 'method' | 'headers'>, headers: Record<string, string> = PROTOBUF): HttpFuzzInput => ({ kind, method: 'POST', headers, ...rest });
  return fc.oneof(
    { weight: 30, arbitrary: fc.option(statusFields, { freq: 4 }).map((message) => post('poll', { message: message ?? {}, status: 200 })) },
    { weight: 5, arbitrary: statusFields.map((message) => post('gzip_poll', { message, gzip: true, status: 200 }, { ...PROTOBUF, 'Content-Encoding': 'gzip' })) },
    { weight: 10, arbitrary: fc.tuple(badUid, statusFields).map(([instanceUid, fields]) => post('bad_uid', { body: encodeAgentToServer({ ...fields, instanceUid }), status: 200, badRequest: true })) },
    { weight: 15, arbitrary: fc.tuple(anyMessage, unreadableTail).map(([message, tail]) => post('bad_protobuf', { body: Uint8Array.of(...encodeAgentToServer(message), ...tail), status: 400 })) },
    { weight: 10, arbitrary: mutatedFrame.map((frame) => frame.subarray(1)).map((body) => post('mutated', { body, ...httpVerdictOf(body) })) },
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.constantFrom('application/json', 'application/protobuf', 'application/x-protobuf; charset=binary', 'text/plain', ''), anyMessage)
        .map(([type, message]) => post('bad_content_type', { body: encodeAgentToServer(message), status: 415 }, type === '' ? {} : { 'Content-Type': type })),
    },
    { weight: 8, arbitrary: fc.uint8Array({ maxLength: 64 }).map((body) => post('bad_gzip', { body, status: 400 }, { ...PROTOBUF, 'Content-Encoding': 'gzip' })) },
    { weight: 4, arbitrary: fc.constantFrom('br', 'compress', 'zstd').map((encoding) => post('unknown_encoding', { body: new Uint8Array(8), status: 415 }, { ...PROTOBUF, 'Content-Encoding': encoding })) },
    {
      weight: 2,
      arbitrary: fc.boolean().map((bomb) =>
        bomb
          ? post('too_large', { body: gzipSync(new Uint8Array(maxMessageBytes * 4)), status: 413 }, { ...PROTOBUF, 'Content-Encoding': 'gzip' })
          : post('too_large', { body: new Uint8Array(maxMessageBytes + 1), status: 413 }),
      ),
    },
    { weight: 3, arbitrary: fc.constantFrom<'PUT' | 'GET'>('PUT', 'GET').map((method) => ({ kind: 'wrong_method' as const, method, headers: PROTOBUF, status: 405 as const })) },
  );
}

/** `count` inputs from `arbitrary`, the same for the same seed. */
export function sampleInputs<T>(arbitrary: fc.Arbitrary<T>, count: number, seed: number): T[] {
  return fc.sample(arbitrary, { numRuns: count, seed });
}
