import type { JsMsg } from '@nats-io/jetstream';
import type { StoredEvent } from '@roost/ports';

export function toStoredEvent(stream: string, msg: JsMsg): StoredEvent {
  return {
    stream,
    subject: msg.subject,
    sequence: msg.seq,
    data: msg.data,
    storedAt: Math.floor(msg.info.timestampNanos / 1_000_000),
  };
}
