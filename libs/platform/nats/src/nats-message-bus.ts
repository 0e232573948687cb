import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { silentLogger, type BusHandler, type BusMessage, type Logger, type MessageBus, type Subscription } from '@roost/ports';
import { toPortError } from './nats-errors';

/** Core NATS pub/sub and request/reply: at most once, no persistence. */
export function createNatsMessageBus(nc: NatsConnection, logger: Logger = silentLogger): MessageBus {
  return {
    publish(subject, data) {
      try {
        nc.publish(subject, data);
      } catch (error) {
        throw toPortError(error, `publish to ${subject}`);
      }
    },

    subscribe(subject, handler, options): Subscription {
      const sub = nc.subscribe(subject, {
        ...(options?.queue ? { queue: options.queue } : {}),
        callback: (error, msg) => {
          if (error) {
            logger.error({ subject, error: error.message }, 'subscription failed');
            return;
          }
          deliver(handler, toBusMessage(msg), logger);
        },
      });
      return { unsubscribe: () => sub.unsubscribe() };
    },

    async request(subject, data, options) {
      try {
        const reply = await nc.request(subject, data, { timeout: options.timeoutMs });
        return reply.data;
      } catch (error) {
        throw toPortError(error, `request to ${subject}`);
      }
    },

    async flush() {
      try {
        await nc.flush();
      } catch (error) {
        throw toPortError(error, 'flush');
      }
    },
  };
}

function toBusMessage(msg: Msg): BusMessage {
  const base = { subject: msg.subject, data: msg.data };
  if (!msg.reply) return base;
  let answered = false;
  return {
    ...base,
    respond: (data: Uint8Array) => {
      if (answered) return;
      answered = true;
      msg.respond(data);
    },
  };
}

/** A throwing handler is logged and must not take the subscription down with it. */
function deliver(handler: BusHandler, message: BusMessage, logger: Logger): void {
  try {
    handler(message);
  } catch (error) {
    logger.error({ subject: message.subject, error: String(error) }, 'bus handler threw');
  }
}
