import { assertWithinLimit, type MessageLimitOptions } from './message-limit';
import { OpampError } from './opamp-error';

/**
 * OpAMP WebSocket message framing (spec "WebSocket Transport"): each binary WebSocket
 * message is `header` + `data`, the header an unsigned 64-bit protobuf varint whose only
 * defined value is 0 (so today one 0x00 byte), the data a serialized AgentToServer or
 * ServerToAgent, possibly 0 bytes long. Plain HTTP bodies carry no header.
 */

const HEADER_ZERO = 0x00;
const MAX_VARINT_BYTES = 10;

export interface DecodedWsFrame {
  /** The protobuf bytes (a view into the frame, not a copy). */
  readonly data: Uint8Array;
  /**
   * True for a pre-v0.7.0 frame without a header. Like opamp-go, we accept those: an
   * encoded message never starts with 0x00, so a first byte that can begin a protobuf field
   * tag means "no header".
   */
  readonly legacy: boolean;
}

/** Frames protobuf bytes for sending: varint header 0, then the data. */
export function encodeWsFrame(data: Uint8Array, options?: MessageLimitOptions): Uint8Array {
  assertWithinLimit(data.length + 1, options, 'WebSocket message');
  const frame = new Uint8Array(data.length + 1);
  frame[0] = HEADER_ZERO;
  frame.set(data, 1);
  return frame;
}

/**
 * Splits a received binary WebSocket message into header and data.
 * - first byte 0x00: header 0, data is the rest (possibly empty);
 * - first byte that can start a protobuf field tag (field number > 0, wire type 0, 1, 2 or
 *   5), or an empty frame: a legacy header-less message, data is the whole frame;
 * - otherwise the frame starts with a non-zero header varint: `opamp.frame.nonzero_header`
 *   (or `opamp.frame.malformed_header` if that varint is cut short or overlong).
 * Frames above the limit raise `opamp.message.too_large` before anything is read.
 */
export function decodeWsFrame(frame: Uint8Array, options?: MessageLimitOptions): DecodedWsFrame {
  assertWithinLimit(frame.length, options, 'WebSocket message');
  if (frame.length === 0) return { data: frame, legacy: true };
  const first = frame[0] ?? HEADER_ZERO;
  if (first === HEADER_ZERO) return { data: frame.subarray(1), legacy: false };
  if (canStartFieldTag(first)) return { data: frame, legacy: true };
  throw new OpampError('opamp.frame.nonzero_header', `header is ${readHeader(frame)}`);
}

/** A protobuf tag is a varint of (field number << 3 | wire type); field 0 is invalid. */
function canStartFieldTag(byte: number): boolean {
  const wireType = byte & 0x07;
  const hasFieldBits = (byte & 0x78) !== 0 || (byte & 0x80) !== 0;
  return hasFieldBits && (wireType === 0 || wireType === 1 || wireType === 2 || wireType === 5);
}

/** Reads the header varint as decimal text (it may exceed 2^53). */
function readHeader(frame: Uint8Array): string {
  let value = 0n;
  for (let index = 0; index < Math.min(frame.length, MAX_VARINT_BYTES); index += 1) {
    const byte = frame[index] ?? 0;
    value |= BigInt(byte & 0x7f) << BigInt(7 * index);
    if ((byte & 0x80) === 0) {
      if (value >= 1n << 64n) break;
      return value.toString();
    }
  }
  throw new OpampError('opamp.frame.malformed_header', 'the header varint is truncated or longer than 64 bits');
}
