export type PortErrorCode =
  | 'concurrency_conflict'
  | 'kv_conflict'
  | 'no_responders'
  | 'timeout'
  | 'unknown_stream'
  | 'unknown_bucket'
  | 'unavailable'
  | 'invalid_argument';

/** Every adapter failure the callers may act on carries one of these stable codes. */
export class PortError extends Error {
  constructor(
    readonly code: PortErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PortError';
  }
}

export class ConcurrencyConflictError extends PortError {
  constructor(
    readonly subject: string,
    readonly expectedLastSubjectSequence: number,
  ) {
    super('concurrency_conflict', `append to ${subject} expected last sequence ${expectedLastSubjectSequence}, but the subject has moved on`);
    this.name = 'ConcurrencyConflictError';
  }
}

export class KvConflictError extends PortError {
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super('kv_conflict', `key ${key} in bucket ${bucket} changed concurrently or already exists`);
    this.name = 'KvConflictError';
  }
}
