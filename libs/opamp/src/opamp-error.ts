/**
 * The one catalogue of errors the OpAMP library raises. Codes are stable: callers (the
 * gateway's transport edge) map them to the protocol's answers — an error_response of type
 * BadRequest, WebSocket close 1009, HTTP 400/413 — and to metrics labels.
 */
export const OPAMP_ERROR_CODES = {
  /** A WebSocket frame whose varint header is not 0 (the only defined header value). */
  'opamp.frame.nonzero_header': 'the WebSocket message header is not 0',
  /** A WebSocket frame whose header varint is cut short or longer than 10 bytes. */
  'opamp.frame.malformed_header': 'the WebSocket message header is not a valid varint',
  /** A frame or message above the size limit (64 MiB by default). */
  'opamp.message.too_large': 'the message is larger than the size limit',
  /** Bytes that do not decode as the expected protobuf message. */
  'opamp.message.malformed': 'the message is not a valid protobuf encoding',
  /** A message our encoder refused (a programming error in the caller's message). */
  'opamp.message.unencodable': 'the message could not be encoded',
  /** instance_uid of neither 16 bytes (UUID) nor 26 bytes (legacy ULID text). */
  'opamp.instance_uid.length': 'the instance_uid has an invalid length',
  /** 26 bytes that are not ULID text, or text that is neither a UUID nor a ULID. */
  'opamp.instance_uid.malformed': 'the instance_uid is neither a UUID nor a ULID',
} as const;

export type OpampErrorCode = keyof typeof OPAMP_ERROR_CODES;

/** Raised by every function of this library that can fail; never anything else. */
export class OpampError extends Error {
  constructor(
    readonly code: OpampErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${OPAMP_ERROR_CODES[code]}: ${message}`, options);
    this.name = 'OpampError';
  }
}

export function isOpampError(value: unknown): value is OpampError {
  return value instanceof OpampError;
}
