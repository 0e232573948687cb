import {
  AckPolicy,
  DeliverPolicy,
  type Consumer,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { PortError, type ConsumerSpec, type EventConsumer, type EventHandler, type Logger } from '@roost/ports';
import { CONSUMER_NOT_FOUND, hasJetStreamCode, toPortError } from './nats-errors';
import { toStoredEvent } from './stored-event';

export interface ConsumerRuntime {
  readonly logger: Logger;
  readonly redeliveryDelayMs: number;
  /**
   * Unacknowledged this long, an event is redelivered; a running handler keeps extending it.
   * It also bounds the stall after a server crash that lost the last ack.
   */
  readonly ackWaitMs: number;
}
/** One pull waits at most this long; it also bounds how long stop() takes. */
const PULL_EXPIRES_MS = 1_000;
const PULL_RETRY_MS = 250;
const EPHEMERAL_INACTIVE_MS = 10_000;

/**
 * A pull consumer with explicit acks and at most one unacknowledged event (max_ack_pending 1),
 * so events reach the handler strictly one at a time and in order, redeliveries included.
 */
export async function startJetStreamConsumer(
  js: JetStreamClient,
  jsm: JetStreamManager,
  spec: ConsumerSpec,
  handler: EventHandler,
  runtime: ConsumerRuntime,
): Promise<EventConsumer> {
  try {
    const name = await ensureConsumer(jsm, spec, runtime.ackWaitMs);
    const consumer = await js.consumers.get(spec.stream, name);
    return new PullLoop(consumer, spec, name, handler, runtime, jsm);
  } catch (error) {
    throw toPortError(error, `consume ${spec.stream}`);
  }
}

async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec, ackWaitMs: number): Promise<string> {
  const config: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    max_ack_pending: 1,
    ack_wait: nanos(ackWaitMs),
    max_deliver: -1,
    ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
    ...(spec.fromSequence && spec.fromSequence > 1
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: spec.fromSequence }
      : { deliver_policy: DeliverPolicy.All }),
  };
  if (spec.durable === undefined) {
    return (await jsm.consumers.add(spec.stream, { ...config, inactive_threshold: nanos(EPHEMERAL_INACTIVE_MS) })).name;
  }
  try {
    const existing = await jsm.consumers.info(spec.stream, spec.durable);
    await alignFilter(jsm, spec, existing.config.filter_subject);
    return spec.durable;
  } catch (error) {
    if (!hasJetStreamCode(error, CONSUMER_NOT_FOUND)) throw error;
  }
  return (await jsm.consumers.add(spec.stream, { ...config, durable_name: spec.durable })).name;
}

/** A durable keeps its position; only its filter may follow the spec (where the server allows). */
async function alignFilter(jsm: JetStreamManager, spec: ConsumerSpec, current: string | undefined): Promise<void> {
  const wanted = spec.filterSubject ?? '';
  if ((current ?? '') === wanted) return;
  try {
    await jsm.consumers.update(spec.stream, spec.durable ?? '', { filter_subject: wanted });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PortError(
      'invalid_argument',
      `durable consumer ${spec.durable} on ${spec.stream} filters "${current ?? ''}", not "${wanted}", and could not be changed: ${reason}`,
    );
  }
}

class PullLoop implements EventConsumer {
  private stopping = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly consumer: Consumer,
    private readonly spec: ConsumerSpec,
    private readonly name: string,
    private readonly handler: EventHandler,
    private readonly runtime: ConsumerRuntime,
    private readonly jsm: JetStreamManager,
  ) {
    this.done = this.run().catch((error: unknown) => {
      runtime.logger.error({ stream: spec.stream, consumer: name, error: String(error) }, 'consumer loop ended');
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
    if (this.spec.durable === undefined) await this.jsm.consumers.delete(this.spec.stream, this.name).catch(() => false);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let msg: JsMsg | null;
      try {
        msg = await this.consumer.next({ expires: PULL_EXPIRES_MS });
      } catch (error) {
        this.runtime.logger.debug({ stream: this.spec.stream, consumer: this.name, error: String(error) }, 'pull failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, PULL_RETRY_MS));
        continue;
      }
      if (msg === null) continue;
      if (this.stopping) {
        // Hand it straight back so the next reader of this durable need not wait out ack_wait.
        msg.nak();
        return;
      }
      await this.handle(msg);
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const fields = { stream: this.spec.stream, consumer: this.name, sequence: msg.seq };
    const keepAlive = setInterval(() => msg.working(), this.runtime.ackWaitMs / 3);
    try {
      await this.handler(toStoredEvent(this.spec.stream, msg));
    } catch (error) {
      this.runtime.logger.warn({ ...fields, error: String(error) }, 'handler rejected event; redelivering');
      msg.nak(this.runtime.redeliveryDelayMs);
      return;
    } finally {
      clearInterval(keepAlive);
    }
    try {
      if (!(await msg.ackAck())) this.runtime.logger.warn(fields, 'ack not confirmed; event may be redelivered');
    } catch (error) {
      this.runtime.logger.warn({ ...fields, error: String(error) }, 'ack lost; event will be redelivered');
    }
  }
}
