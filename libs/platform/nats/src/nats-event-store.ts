import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { ALL_STREAMS, type StreamDeclaration } from '@roost/contracts';
import {
  ConcurrencyConflictError,
  silentLogger,
  type AppendOptions,
  type AppendResult,
  type BatchHandler,
  type EventConsumer,
  type EventStore,
  type FollowSpec,
  type Logger,
  type StoredEvent,
} from '@roost/ports';
import { startJetStreamConsumer } from './jetstream-consumer';
import { followJetStream } from './jetstream-follower';
import { createJetStreamPublisher, type JetStreamPublisher } from './jetstream-publisher';
import { hasJetStreamCode, toPortError, WRONG_LAST_SEQUENCE } from './nats-errors';
import { declaredStream, streamFor } from './stream-routing';
import { placeOnLeader, READ_PLACEMENT } from './leader-placement';
import { placementAccess, type JetStreamAccess } from './resumable-consumer';
import { toStoredEvent } from './stored-event';

export interface NatsEventStoreOptions {
  readonly streams?: readonly StreamDeclaration[];
  readonly logger?: Logger;
  /** Wait before a rejected event is delivered again (default 500 ms). */
  readonly redeliveryDelayMs?: number;
  /** Redelivery of an unacknowledged event (lost ack, crashed reader); default 10 s. */
  readonly ackWaitMs?: number;
}

const READ_BATCH = 500;
const READ_EXPIRES_MS = 5_000;

/** The event store on JetStream. The streams must exist (see ensureTopology). */
export async function createNatsEventStore(nc: NatsConnection, options: NatsEventStoreOptions = {}): Promise<EventStore> {
  const jsm = await jetstreamManager(nc);
  return new NatsEventStore(createJetStreamPublisher(nc), jetstream(nc), jsm, await placementAccess(nc), options.streams ?? ALL_STREAMS, options);
}

class NatsEventStore implements EventStore {
  constructor(
    private readonly publisher: JetStreamPublisher,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    /** For creating consumers, with a short timeout: one asked of a lost node is retried elsewhere. */
    private readonly placement: JetStreamAccess,
    private readonly streams: readonly StreamDeclaration[],
    private readonly options: NatsEventStoreOptions,
  ) {}

  async append(subject: string, data: Uint8Array, options: AppendOptions = {}): Promise<AppendResult> {
    const stream = streamFor(this.streams, subject);
    const expected = options.expectedLastSubjectSequence;
    try {
      const ack = await this.publisher.publish(subject, data, {
        expectedStream: stream.name,
        ...(options.messageId !== undefined ? { messageId: options.messageId } : {}),
        ...(expected !== undefined ? { expectedLastSubjectSequence: expected } : {}),
        ...(options.headers !== undefined ? { headers: options.headers } : {}),
      });
      return { sequence: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      if (expected !== undefined && hasJetStreamCode(error, WRONG_LAST_SEQUENCE)) {
        throw new ConcurrencyConflictError(subject, expected);
      }
      throw toPortError(error, `append to ${subject}`);
    }
  }

  /**
   * A snapshot read through an ephemeral consumer without acks: its pending count at creation
   * says how many events to fetch, so an empty result costs no wait.
   */
  async read(subjectFilter: string, options: { fromSequence?: number } = {}): Promise<StoredEvent[]> {
    const stream = streamFor(this.streams, subjectFilter).name;
    try {
      const info = await this.cursorOnLeader(stream, {
        ack_policy: AckPolicy.None,
        filter_subject: subjectFilter,
        ...(options.fromSequence && options.fromSequence > 1
          ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.fromSequence }
          : { deliver_policy: DeliverPolicy.All }),
        inactive_threshold: nanos(30_000),
        mem_storage: true,
        num_replicas: 1,
      });
      try {
        return await this.fetchAll(this.js.consumers.getConsumerFromInfo(info), stream, info.num_pending);
      } finally {
        await this.jsm.consumers.delete(stream, info.name).catch(() => false);
      }
    } catch (error) {
      throw toPortError(error, `read ${subjectFilter}`);
    }
  }

  /**
   * The read's cursor, on the server that leads the stream. On a cluster a cursor lands on any
   * server holding a copy, and a copy can trail the leader — by seconds while a restarted node
   * catches up — so a read from it can miss events already appended (a new orchestrator leader
   * would then decide from a stale history). See placeOnLeader.
   */
  private cursorOnLeader(stream: string, config: Partial<ConsumerConfig>): Promise<ConsumerInfo> {
    const { jsm } = this.placement;
    return placeOnLeader<ConsumerInfo>({
      create: () => jsm.consumers.add(stream, config),
      placedOn: (info) => info.cluster?.leader,
      drop: (info) => jsm.consumers.delete(stream, info.name),
      leader: async () => (await jsm.streams.info(stream)).cluster?.leader,
    }, READ_PLACEMENT);
  }

  async lastSequence(stream: string): Promise<number> {
    declaredStream(this.streams, stream);
    try {
      return (await this.jsm.streams.info(stream)).state.last_seq;
    } catch (error) {
      throw toPortError(error, `last sequence of ${stream}`);
    }
  }

  async lastSubjectSequence(subject: string): Promise<number> {
    const stream = streamFor(this.streams, subject).name;
    try {
      const message = await this.jsm.streams.getMessage(stream, { last_by_subj: subject });
      return message?.seq ?? 0;
    } catch (error) {
      throw toPortError(error, `last sequence of ${subject}`);
    }
  }

  consume(spec: Parameters<EventStore['consume']>[0], handler: Parameters<EventStore['consume']>[1]): Promise<EventConsumer> {
    declaredStream(this.streams, spec.stream);
    return startJetStreamConsumer(this.js, this.jsm, spec, handler, {
      logger: this.options.logger ?? silentLogger,
      redeliveryDelayMs: this.options.redeliveryDelayMs ?? 500,
      ackWaitMs: this.options.ackWaitMs ?? 10_000,
    });
  }

  follow(spec: FollowSpec, handler: BatchHandler): Promise<EventConsumer> {
    declaredStream(this.streams, spec.stream);
    return followJetStream(this.placement, spec, handler, { logger: this.options.logger ?? silentLogger, redeliveryDelayMs: this.options.redeliveryDelayMs ?? 500 });
  }

  private async fetchAll(
    consumer: ReturnType<JetStreamClient['consumers']['getConsumerFromInfo']>,
    stream: string,
    pending: number,
  ): Promise<StoredEvent[]> {
    // Reads what was pending when the consumer was made, no more: chasing appends made since
    // would not end under load, and asking for more than is there waits out the fetch.
    const events: StoredEvent[] = [];
    let remaining = pending;
    while (remaining > 0) {
      const asked = Math.min(remaining, READ_BATCH);
      const batch = await consumer.fetch({ max_messages: asked, expires: READ_EXPIRES_MS });
      let received = 0;
      for await (const msg of batch) {
        events.push(toStoredEvent(stream, msg));
        received++;
        if (received === asked || msg.info.pending === 0) break;
      }
      remaining -= received;
      // Fewer than counted: some expired or were removed meanwhile.
      if (received < asked) break;
    }
    return events;
  }
}
