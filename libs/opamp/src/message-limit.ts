import { OpampError } from './opamp-error';

/**
 * Default size limit of one OpAMP message (WebSocket header + data, or HTTP body), applied
 * after decompression (OpAMP spec PR #346; opamp-go `internal/limits.go`).
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface MessageLimitOptions {
  /** Bytes; `Infinity` disables the limit. Defaults to DEFAULT_MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: number;
}

/** Throws `opamp.message.too_large` when `size` exceeds the configured limit. */
export function assertWithinLimit(size: number, options: MessageLimitOptions | undefined, what: string): void {
  const limit = options?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (size > limit) {
    throw new OpampError('opamp.message.too_large', `${what} of ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}
