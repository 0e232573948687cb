import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerMessages,
  type ConsumerInfo,
  type ConsumerNotification,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { FOLLOWER_PLACEMENT, placeOnLeader } from './leader-placement';

/**
 * A pull lasts this long; the server's idle heartbeats come at half of it, so a silent
 * consumer shows as missed heartbeats within about 2 s.
 */
const PULL_EXPIRES_MS = 2_000;
/** Missed heartbeats after which a consumer is replaced rather than waited for. */
const MISSED_BEFORE_REPLACING = 3;
/**
 * Silence after which a consumer is replaced: no message, no pull, no heartbeat. After a
 * reconnect nats.js stops watching heartbeats until the consumer answers an info request,
 * which one on a dead server never does, so no missed heartbeat is ever reported.
 */
const SILENT_BEFORE_REPLACING_MS = 6_000;
/** Wait between attempts at creating a consumer while the stream cannot take one. */
const CREATE_RETRY_MS = 1_000;

/** The client, the manager, and whether their connection is closed for good. */
export interface JetStreamAccess {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  closed(): boolean;
}

/** How long creating a consumer may take before it is tried again (one asked of a lost node never answers). */
const CREATE_TIMEOUT_MS = 2_000;

/** JetStream handles for creating consumers, with a timeout short enough to move on from a lost node. */
export async function placementAccess(nc: NatsConnection): Promise<JetStreamAccess> {
  return { js: jetstream(nc, { timeout: CREATE_TIMEOUT_MS }), jsm: await jetstreamManager(nc, { timeout: CREATE_TIMEOUT_MS }), closed: () => nc.isClosed() };
}

export interface ConsumerStart {
  readonly deliver_policy: DeliverPolicy;
  readonly opt_start_seq?: number;
}

export type ResumableNote = ConsumerNotification | { readonly type: 'replaced'; readonly after: number };

export interface ResumableSpec {
  readonly stream: string;
  readonly filterSubject?: string;
  /** Where the first consumer starts. */
  readonly start: ConsumerStart;
  /**
   * Where a replacement starts: by default after the last message taken. A KV watch replays the
   * last value of every key instead: a consumer created on a server that had just taken over as
   * leader was seen to skip the messages it had not applied yet (nats-server 2.9.10).
   */
  readonly restart?: ConsumerStart;
  /** Messages asked of the server per pull. */
  readonly pullMessages: number;
  /** Every notification of the current consumer, and `replaced` when this replaces it. */
  readonly onNote?: (note: ResumableNote) => void;
}

/**
 * The messages of a stream through nats.js ordered consumers, one after another, each placed
 * with the stream's leader. nats.js recreates an ordered consumer when the server says it is
 * gone, but one whose only server is down (a node lost from a cluster) is neither answering
 * nor reported gone, and nats.js asks after it for ever; and a consumer on a copy that is
 * catching up after a node loss was seen to skip messages. So a consumer goes where the
 * stream's leader is, and after a few missed heartbeats it is replaced by a new one from the
 * sequence after the last message taken: nothing is lost or repeated, and a reader goes on
 * within seconds of losing a node.
 */
export class ResumableConsumer {
  private current: ConsumerMessages | null = null;
  private stopped = false;
  private lastTaken = 0;
  /** When the current consumer last gave a sign of life (a message, a pull, a heartbeat). */
  private lastSign = Date.now();
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    private readonly jetStream: JetStreamAccess,
    private readonly spec: ResumableSpec,
  ) {}

  /**
   * The messages, in stream order, until `stop`, and how many the first consumer had pending
   * when it was created. The first consumer is created before this resolves.
   */
  async open(): Promise<{ readonly messages: AsyncGenerator<JsMsg>; readonly pending: number }> {
    const first = await this.create(this.spec.start);
    return { messages: this.messages(first.messages), pending: first.pending };
  }

  stop(): void {
    this.stopped = true;
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.current?.stop();
  }

  private async *messages(first: ConsumerMessages): AsyncGenerator<JsMsg> {
    let messages: ConsumerMessages | null = first;
    while (messages !== null) {
      for await (const msg of messages) {
        this.lastTaken = msg.seq;
        this.lastSign = Date.now();
        yield msg;
      }
      messages = await this.replacement();
    }
  }

  /** A new consumer after the last message taken, once one can be made; null once stopped. */
  private async replacement(): Promise<ConsumerMessages | null> {
    if (this.stopped || this.jetStream.closed()) return null;
    this.spec.onNote?.({ type: 'replaced', after: this.lastTaken });
    const start = this.spec.restart ?? (this.lastTaken === 0 ? this.spec.start : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.lastTaken + 1 });
    while (!this.stopped && !this.jetStream.closed()) {
      try {
        return (await this.create(start)).messages;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, CREATE_RETRY_MS));
      }
    }
    return null;
  }

  private async create(start: ConsumerStart): Promise<{ messages: ConsumerMessages; pending: number }> {
    const { js, jsm } = this.jetStream;
    const { consumer, info } = await placeOnLeader<{ consumer: Consumer; info: ConsumerInfo }>({
      create: async () => {
        // A fresh options object each time: nats.js names the consumer by writing a prefix into
        // the options it is given, and a second create under that name is answered from the
        // first one's placement — a lost node that never answers, however often it is asked.
        const created = await js.consumers.get(this.spec.stream, { ...(this.spec.filterSubject ? { filter_subjects: this.spec.filterSubject } : {}), ...start });
        return { consumer: created, info: await created.info(true) };
      },
      placedOn: (created) => created.info.cluster?.leader,
      drop: (created) => created.consumer.delete(),
      leader: async () => (await jsm.streams.info(this.spec.stream)).cluster?.leader,
    }, FOLLOWER_PLACEMENT);
    const messages = await consumer.consume({ max_messages: this.spec.pullMessages, expires: PULL_EXPIRES_MS });
    this.current = messages;
    this.lastSign = Date.now();
    this.watchdog ??= setInterval(() => {
      if (!this.stopped && Date.now() - this.lastSign > SILENT_BEFORE_REPLACING_MS) this.current?.stop();
    }, 1_000);
    this.watchdog.unref();
    void this.watch(messages);
    return { messages, pending: info.num_pending };
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const note of messages.status()) {
      if (this.stopped || this.current !== messages) return;
      if (note.type === 'next' || note.type === 'heartbeat') this.lastSign = Date.now();
      this.spec.onNote?.(note);
      if (note.type === 'heartbeats_missed' && note.count >= MISSED_BEFORE_REPLACING) messages.stop();
    }
  }
}
