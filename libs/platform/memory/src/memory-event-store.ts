import { ALL_STREAMS, type StreamDeclaration } from '@roost/contracts';
import {
  ConcurrencyConflictError,
  DEFAULT_FOLLOW_BATCH,
  findBySubject,
  PortError,
  silentLogger,
  subjectMatches,
  type AppendOptions,
  type AppendResult,
  type BatchHandler,
  type Clock,
  type ConsumerSpec,
  type EventConsumer,
  type EventHandler,
  type EventStore,
  type FollowSpec,
  type Logger,
  type StoredEvent,
} from '@roost/ports';
import { MemoryConsumer } from './memory-consumer';
import { MemoryStream } from './memory-stream';
import { systemClock } from './manual-clock';

export interface MemoryEventStoreOptions {
  readonly clock?: Clock;
  readonly streams?: readonly StreamDeclaration[];
  readonly logger?: Logger;
  /** Wait before a rejected event is delivered again (default 500 ms, real time). */
  readonly redeliveryDelayMs?: number;
}

export interface MemoryEventStore extends EventStore {
  /** Stops every consumer still running. */
  close(): Promise<void>;
}

/**
 * Streams in process memory with JetStream's semantics: per-stream sequences, subjects routed
 * to the declared stream, expected last subject sequence, message-id dedup within the stream's
 * window (by the injected clock), durable consumers that remember their acks. Max age is not
 * enforced: the process does not live that long.
 */
export function createMemoryEventStore(options: MemoryEventStoreOptions = {}): MemoryEventStore {
  return new InMemoryEventStore(
    options.clock ?? systemClock,
    (options.streams ?? ALL_STREAMS).map((d) => new MemoryStream(d)),
    options.redeliveryDelayMs ?? 500,
    options.logger ?? silentLogger,
  );
}

class InMemoryEventStore implements MemoryEventStore {
  private readonly consumers = new Set<MemoryConsumer>();
  /** Each stream by the subjects it stores, for routing every append. */
  private readonly routes: readonly { subjects: readonly string[]; stream: MemoryStream }[];

  constructor(
    private readonly clock: Clock,
    private readonly streams: readonly MemoryStream[],
    private readonly redeliveryDelayMs: number,
    private readonly logger: Logger,
  ) {
    this.routes = streams.map((stream) => ({ subjects: stream.declaration.subjects, stream }));
  }

  async append(subject: string, data: Uint8Array, options: AppendOptions = {}): Promise<AppendResult> {
    const stream = this.bySubject(subject);
    const now = this.clock.now();
    stream.forgetExpiredIds(now);
    const { messageId, expectedLastSubjectSequence: expected } = options;
    const original = messageId === undefined ? undefined : stream.dedup.get(messageId);
    if (original) return { sequence: original.sequence, duplicate: true };
    if (expected !== undefined && (stream.lastBySubject.get(subject) ?? 0) !== expected) {
      throw new ConcurrencyConflictError(subject, expected);
    }
    const sequence = stream.lastSequence + 1;
    // A copy of its own size: a Buffer's slice() would be a view, and a slice of Node's shared
    // pool would keep the whole pool chunk alive for as long as the event is kept.
    stream.events.push({ stream: stream.declaration.name, subject, sequence, data: new Uint8Array(data), storedAt: now });
    stream.lastBySubject.set(subject, sequence);
    if (messageId !== undefined) stream.dedup.set(messageId, { sequence, at: now });
    stream.wake();
    return { sequence, duplicate: false };
  }

  async read(subjectFilter: string, options: { fromSequence?: number } = {}): Promise<StoredEvent[]> {
    const stream = this.bySubject(subjectFilter);
    const from = Math.max(options.fromSequence ?? 1, 1);
    return stream.events.slice(from - 1).filter((e) => subjectMatches(subjectFilter, e.subject));
  }

  async lastSequence(stream: string): Promise<number> {
    return this.byName(stream).lastSequence;
  }

  async lastSubjectSequence(subject: string): Promise<number> {
    return this.bySubject(subject).lastBySubject.get(subject) ?? 0;
  }

  async consume(spec: ConsumerSpec, handler: EventHandler): Promise<EventConsumer> {
    const stream = this.byName(spec.stream);
    const fresh = { ackFloor: Math.max((spec.fromSequence ?? 1) - 1, 0), filterSubject: spec.filterSubject };
    let state = fresh;
    if (spec.durable !== undefined) {
      state = stream.durables.get(spec.durable) ?? fresh;
      state.filterSubject = spec.filterSubject;
      stream.durables.set(spec.durable, state);
    }
    return this.start(new MemoryConsumer(stream, state, (events) => handler(events[0] as StoredEvent), 1, this.redeliveryDelayMs, this.logger));
  }

  /** In memory nothing can drop the reader, so `onCondition` is never called. */
  async follow(spec: FollowSpec, handler: BatchHandler): Promise<EventConsumer> {
    const stream = this.byName(spec.stream);
    const state = { ackFloor: Math.max((spec.fromSequence ?? 1) - 1, 0), filterSubject: spec.filterSubject };
    return this.start(new MemoryConsumer(stream, state, handler, spec.maxBatch ?? DEFAULT_FOLLOW_BATCH, this.redeliveryDelayMs, this.logger));
  }

  private start(consumer: MemoryConsumer): EventConsumer {
    this.consumers.add(consumer);
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
  }

  private bySubject(subjectOrFilter: string): MemoryStream {
    const stream = findBySubject(this.routes, subjectOrFilter)?.stream;
    if (!stream) throw new PortError('unknown_stream', `no declared stream stores ${subjectOrFilter}`);
    return stream;
  }

  private byName(name: string): MemoryStream {
    const stream = this.streams.find((s) => s.declaration.name === name);
    if (!stream) throw new PortError('unknown_stream', `stream ${name} is not declared`);
    return stream;
  }
}
