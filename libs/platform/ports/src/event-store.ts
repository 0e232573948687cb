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
  /**
   * Message headers for readers outside Roost (the CloudEvents `ce-*` attributes): stored with
   * the message on NATS. Roost's own readers never need them, and the in-memory store drops them.
   */
  readonly headers?: Readonly<Record<string, string>>;
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

/** Resolve to accept the whole batch; reject (or throw) to be handed the same batch again after a short delay. */
export type BatchHandler = (events: readonly StoredEvent[]) => Promise<void>;

export interface FollowSpec {
  readonly stream: string;
  readonly filterSubject?: string;
  /** First stream sequence to deliver (default 1): the reader keeps its own position. */
  readonly fromSequence?: number;
  /** Most events handed over at once (default 1,000); a batch never waits to fill. */
  readonly maxBatch?: number;
  /**
   * Told when the store lost the reader's server-side cursor (a stall, a server restart, a
   * deleted consumer) and when it reads again after recreating it from the last event received.
   * Events are neither lost nor repeated across it.
   */
  readonly onCondition?: (condition: FollowCondition) => void;
}

/** Events a follower is handed at most at once unless its spec says otherwise. */
export const DEFAULT_FOLLOW_BATCH = 1_000;

export type FollowCondition = { readonly kind: 'lost'; readonly reason: string } | { readonly kind: 'recovered' };

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
  /**
   * Reads the stream from `fromSequence` for as long as it runs: in order, in batches of
   * whatever has arrived (up to `maxBatch`), the next batch once the handler settled; many
   * events in flight, no acknowledgements. The store keeps no position for it: the reader
   * restarts from its own (a projector's checkpoint, an orchestrator's view). On NATS the
   * server-side cursor cannot vanish for good: when the server drops it, it is recreated after
   * the last event received (see `onCondition`).
   */
  follow(spec: FollowSpec, handler: BatchHandler): Promise<EventConsumer>;
}
