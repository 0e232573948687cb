import { DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { DEFAULT_FOLLOW_BATCH, type BatchHandler, type EventConsumer, type FollowSpec, type Logger, type StoredEvent } from '@roost/ports';
import { toPortError } from './nats-errors';
import { ResumableConsumer, type JetStreamAccess, type ResumableNote } from './resumable-consumer';
import { toStoredEvent } from './stored-event';

export interface FollowerRuntime {
  readonly logger: Logger;
  /** Wait before a rejected batch is handed over again. */
  readonly redeliveryDelayMs: number;
}

/** Messages asked of the server per pull; more are asked for as the reader takes them. */
const PULL_MESSAGES = 2_000;
const NOTHING = Symbol('nothing queued');

/**
 * A follower on ordered consumers (see ResumableConsumer): ephemeral pull consumers without
 * acks, recreated from the stream sequence after the last message received when the server
 * drops one, and replaced when one goes silent (its node lost). Messages already received stay
 * queued, so nothing is lost or repeated across a recreation. The handler takes what has
 * arrived, up to `maxBatch` at a time; the next pull goes out as the queue drains, so a slow
 * handler holds back the server instead of filling memory.
 */
export async function followJetStream(jetStream: JetStreamAccess, spec: FollowSpec, handler: BatchHandler, runtime: FollowerRuntime): Promise<EventConsumer> {
  try {
    const from = spec.fromSequence ?? 1;
    let follower: Follower | null = null;
    const consumer = new ResumableConsumer(jetStream, {
      stream: spec.stream,
      ...(spec.filterSubject ? { filterSubject: spec.filterSubject } : {}),
      start: from > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from } : { deliver_policy: DeliverPolicy.All },
      pullMessages: PULL_MESSAGES,
      onNote: (note) => follower?.noted(note),
    });
    const { messages } = await consumer.open();
    follower = new Follower(consumer, messages, spec, handler, runtime);
    return follower;
  } catch (error) {
    throw toPortError(error, `follow ${spec.stream}`);
  }
}

class Follower implements EventConsumer {
  private stopping = false;
  private lost = false;
  private readonly done: Promise<void>;
  private wakeRetry: (() => void) | undefined;

  constructor(
    private readonly consumer: ResumableConsumer,
    private readonly messages: AsyncGenerator<JsMsg>,
    private readonly spec: FollowSpec,
    private readonly handler: BatchHandler,
    private readonly runtime: FollowerRuntime,
  ) {
    this.done = this.run().catch((error: unknown) => {
      runtime.logger.error({ stream: spec.stream, error: String(error) }, 'stream follower ended; the reader no longer sees new events');
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeRetry?.();
    this.consumer.stop();
    await this.done;
  }

  private async run(): Promise<void> {
    const maxBatch = this.spec.maxBatch ?? DEFAULT_FOLLOW_BATCH;
    const queue = this.messages;
    let next: Promise<IteratorResult<JsMsg>> | null = null;
    const take = () => (next ??= queue.next());
    while (!this.stopping) {
      const first = await take();
      next = null;
      if (first.done || this.stopping) return;
      const batch: StoredEvent[] = [this.received(first.value)];
      // Whatever else is already queued joins the batch; a message not yet here does not wait.
      const drained = new Promise<typeof NOTHING>((resolve) => setImmediate(() => resolve(NOTHING)));
      while (batch.length < maxBatch) {
        const more = await Promise.race([take(), drained]);
        if (more === NOTHING || more.done) break;
        next = null;
        batch.push(this.received(more.value));
      }
      await this.handle(batch);
    }
  }

  private received(msg: JsMsg): StoredEvent {
    this.recovered();
    return toStoredEvent(this.spec.stream, msg);
  }

  /** Hands the batch over until the handler takes it or the follower stops. */
  private async handle(batch: readonly StoredEvent[]): Promise<void> {
    while (!this.stopping) {
      try {
        await this.handler(batch);
        return;
      } catch (error) {
        this.runtime.logger.warn(
          { stream: this.spec.stream, from: batch[0]?.sequence, events: batch.length, error: String(error) },
          'handler rejected a batch; handing it over again',
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.runtime.redeliveryDelayMs);
          this.wakeRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** The notifications about its consumers: a loss is said loudly and reported, and so is the way back. */
  noted(note: ResumableNote): void {
    if (this.stopping) return;
    // A recreated or replaced consumer, or a pull sent to one that answers, reads again (a quiet stream brings no message to say so).
    if (note.type === 'ordered_consumer_recreated' || note.type === 'next') return this.recovered();
    const reason = lossOf(note);
    if (reason === null) return;
    this.runtime.logger.warn({ stream: this.spec.stream, reason }, 'stream follower lost its server-side consumer; recreating it after the last event received');
    if (!this.lost) {
      this.lost = true;
      this.spec.onCondition?.({ kind: 'lost', reason });
    }
  }

  private recovered(): void {
    if (!this.lost) return;
    this.lost = false;
    this.runtime.logger.warn({ stream: this.spec.stream }, 'stream follower reads again');
    this.spec.onCondition?.({ kind: 'recovered' });
  }
}

/** Why the consumer is not delivering, or null for notifications that say nothing is wrong. */
function lossOf(note: ResumableNote): string | null {
  switch (note.type) {
    case 'replaced':
      return `consumer silent; replaced after sequence ${note.after}`;
    case 'heartbeats_missed':
      return `missed ${note.count} server heartbeats`;
    case 'consumer_deleted':
      return `consumer deleted by the server (${note.description})`;
    case 'consumer_not_found':
      return 'consumer not found';
    case 'stream_not_found':
      return `stream ${note.name} not found`;
    case 'no_responders':
      return 'JetStream not answering';
    case 'reset':
      return 'consumer reset';
    case 'exceeded_limits':
      return `pull refused by the server (${note.description})`;
    case 'consumer_pinned':
    case 'consumer_unpinned':
    case 'debug':
    case 'discard':
    case 'flow_control':
    case 'heartbeat':
    case 'next':
    case 'ordered_consumer_recreated':
      return null;
  }
}
