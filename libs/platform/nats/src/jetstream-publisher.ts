import { JetStreamApiError, PubHeaders, type ApiError } from '@nats-io/jetstream';
import { createInbox, headers, type Msg, type NatsConnection } from '@nats-io/nats-core';
import { PortError } from '@roost/ports';

/** What JetStream answers a stored (or deduplicated) message with. */
export interface PubAck {
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

export interface JetStreamPublishOptions {
  readonly expectedStream: string;
  readonly messageId?: string;
  readonly expectedLastSubjectSequence?: number;
  /** More headers stored with the message (CloudEvents attributes). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface JetStreamPublisher {
  /**
   * Publishes to a stream's subject and resolves with the stream's acknowledgement. Rejects with
   * `JetStreamApiError` when the stream refuses the message (wrong last subject sequence, …),
   * PortError `no_responders` when no stream listens, `timeout` when no answer came in time.
   */
  publish(subject: string, data: Uint8Array, options: JetStreamPublishOptions): Promise<PubAck>;
}

const NO_RESPONDERS = 503;

interface Waiting {
  readonly resolve: (ack: PubAck) => void;
  readonly reject: (error: Error) => void;
  readonly sentAt: number;
  readonly subject: string;
}

/**
 * JetStream publishes with many in flight over one reply subscription, each answered by its own
 * reply subject — what the Go client calls PublishAsync and nats.js lacks. `js.publish` makes
 * every message a request of its own (a timer, a mux entry and an Error built in case it fails),
 * which cost a gateway publishing fleet events about three times the CPU per message.
 * Unanswered publishes are failed by one sweep per `timeoutMs / 4`, not a timer each; those
 * still waiting when the connection closes fail then.
 */
export function createJetStreamPublisher(nc: NatsConnection, timeoutMs = 5_000): JetStreamPublisher {
  const prefix = createInbox();
  const waiting = new Map<string, Waiting>();
  let next = 0;

  nc.subscribe(`${prefix}.*`, {
    callback: (error, msg) => {
      if (error) return failAll(new PortError('unavailable', `JetStream acknowledgements: ${error.message}`));
      settle(msg);
    },
  });

  function settle(msg: Msg): void {
    const entry = waiting.get(msg.subject);
    if (!entry) return; // answered after its timeout
    waiting.delete(msg.subject);
    if (msg.headers?.code === NO_RESPONDERS) {
      entry.reject(new PortError('no_responders', `publish to ${entry.subject}: no stream answered`));
      return;
    }
    try {
      const answer = msg.json<{ stream?: string; seq?: number; duplicate?: boolean; error?: ApiError }>();
      if (answer.error) entry.reject(new JetStreamApiError(answer.error));
      else if (!answer.stream || typeof answer.seq !== 'number') entry.reject(new PortError('unavailable', `publish to ${entry.subject}: invalid acknowledgement`));
      else entry.resolve({ stream: answer.stream, seq: answer.seq, duplicate: answer.duplicate === true });
    } catch {
      entry.reject(new PortError('unavailable', `publish to ${entry.subject}: acknowledgement is not JSON`));
    }
  }

  function failAll(error: Error): void {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  }

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [reply, entry] of waiting) {
      if (now - entry.sentAt < timeoutMs) continue;
      waiting.delete(reply);
      entry.reject(new PortError('timeout', `publish to ${entry.subject}: timed out`));
    }
  }, Math.max(10, timeoutMs / 4));
  sweep.unref();
  void nc.closed().then(() => {
    clearInterval(sweep);
    failAll(new PortError('unavailable', 'the NATS connection was closed'));
  });

  return {
    publish: (subject, data, options) =>
      new Promise<PubAck>((resolve, reject) => {
        const reply = `${prefix}.${++next}`;
        const head = headers();
        for (const [name, value] of Object.entries(options.headers ?? {})) head.set(name, value);
        head.set(PubHeaders.ExpectedStreamHdr, options.expectedStream);
        if (options.messageId !== undefined) head.set(PubHeaders.MsgIdHdr, options.messageId);
        if (options.expectedLastSubjectSequence !== undefined) head.set(PubHeaders.ExpectedLastSubjectSequenceHdr, String(options.expectedLastSubjectSequence));
        waiting.set(reply, { resolve, reject, sentAt: Date.now(), subject });
        try {
          nc.publish(subject, data, { reply, headers: head });
        } catch (error) {
          waiting.delete(reply);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }),
  };
}
