/** One message of a durable stream. */
export interface StoredEvent {
  readonly stream: string;
  readonly subject: string;
  /** Stream sequence, strictly increasing within the stream, starting at 1. */
  readonly sequence: number;
  readonly data: Uint8Array;
  /** Milliseconds since the epoch, as stamped by the store. */
  readonly storedAt: number;
}

export interface AppendOptions {
  /**
   * Optimistic concurrency: the stream sequence of the last message on this subject
   * (0 = the subject must be empty). A mismatch rejects with ConcurrencyConflictError.
   */
  readonly expectedLastSubjectSequence?: number;
  /** Deduplication id: a second append with the same id inside the window is a no-op. */
  readonly messageId?: string;
}

export interface AppendResult {
  readonly sequence: number;
  /** True when the message id was already stored; `sequence` is then the original's. */
  readonly duplicate: boolean;
}

export interface ConsumerSpec {
  readonly stream: string;
  /** Durable name: progress survives restarts of the reader. Omit for an ephemeral reader. */
  readonly durable?: string;
  readonly filterSubject?: string;
  /** First stream sequence to deliver when the consumer is new (default 1). */
  readonly fromSequence?: number;
}

/** Resolve to acknowledge; reject (or throw) to have the event redelivered. */
export type EventHandler = (event: StoredEvent) => Promise<void>;

export interface EventConsumer {
  /** Stops delivery; events in flight finish first. */
  stop(): Promise<void>;
}

/** Append-only streams (JetStream): the rollout event store and the fleet event log. */
export interface EventStore {
  /**
   * The stream is chosen by subject (each subject belongs to exactly one declared stream);
   * a subject of no declared stream rejects with PortError `unknown_stream`. A repeated
   * message id is reported as a duplicate before the expected sequence is checked, so a retried
   * append resolves instead of conflicting.
   */
  append(subject: string, data: Uint8Array, options?: AppendOptions): Promise<AppendResult>;
  /**
   * Every event matching the subject filter (wildcards allowed) that was stored when the read
   * began, in sequence order; events appended meanwhile are left for the next read. The filter
   * must fall inside one declared stream (else PortError `unknown_stream`).
   */
  read(subjectFilter: string, options?: { fromSequence?: number }): Promise<StoredEvent[]>;
  /** Sequence of the newest message in the stream (0 when empty). */
  lastSequence(stream: string): Promise<number>;
  /** Sequence of the newest message on exactly this subject (0 when none). */
  lastSubjectSequence(subject: string): Promise<number>;
  /**
   * Delivers events in order with explicit acknowledgement, one at a time: the next event is
   * handed over only after the handler's promise settled. A rejected handler gets the same
   * event again after a short delay. A durable consumer resumes after its last acknowledged
   * event; delivery is at least once (an ack lost with the connection means a redelivery).
   */
  consume(spec: ConsumerSpec, handler: EventHandler): Promise<EventConsumer>;
}
