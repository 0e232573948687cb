import { STREAMS, subjects } from '@roost/contracts';
import type { LogFields, Logger } from '@roost/ports';
import { eventually } from '@roost/testing';
import { connectNats, type NatsClient } from './nats-connection';
import { createNatsEventStore } from './nats-event-store';
import { createNatsKeyValueBuckets } from './nats-key-value';
import { NatsTestBed } from './nats-test-fixture';

let bed: NatsTestBed;
let client: NatsClient | undefined;
const stops: Array<() => Promise<void>> = [];
beforeAll(async () => (bed = await NatsTestBed.start()));
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await client?.close();
});
afterAll(async () => bed.stop());

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const record = (_fields: LogFields, message: string): void => void messages.push(message);
  return { messages, debug: record, info: record, warn: record, error: record };
}

describe('NATS connection under a server crash', () => {
  it('reconnects after nats-server is killed and restarted, and appends, consumes and KV work again', async () => {
    await bed.reset();
    const logger = recordingLogger();
    client = await connectNats({ url: bed.server.url, name: 'fault-test', logger, backoff: { initialMs: 50, maxMs: 400 } });
    const store = await createNatsEventStore(client.nc, { logger, redeliveryDelayMs: 100, ackWaitMs: 2_000 });
    const kv = await createNatsKeyValueBuckets(client.nc).open('configs');
    const subject = subjects.rolloutEvents('fault');
    await store.append(subject, text('before'));
    const seen: string[] = [];
    const consumer = await store.consume({ stream: STREAMS.rolloutEvents.name, durable: 'fault-reader' }, async (e) => {
      seen.push(str(e.data));
    });
    stops.push(() => consumer.stop());
    await eventually(() => seen.length === 1);

    await bed.server.kill();
    await eventually(() => client?.state() === 'reconnecting', { what: 'the client to notice the crash' });
    expect(client.health()).toMatchObject({ component: 'nats', healthy: false });

    await bed.server.restart();
    await eventually(() => client?.state() === 'connected', { timeoutMs: 10_000, what: 'reconnect' });
    // JetStream may need a moment to load its streams; a retry with the same id cannot double-store.
    const appended = await eventually(() => store.append(subject, text('after'), { messageId: 'after-restart' }), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'append after restart',
    });
    expect(appended).toEqual({ sequence: 2, duplicate: false });
    await eventually(() => seen.includes('after'), { timeoutMs: 10_000, what: 'consumer to resume' });
    // At least once: an ack the crash swallowed brings 'before' back once more, never 'after' first.
    expect(seen[0]).toBe('before');
    expect(seen.slice(1)).toEqual(seen.length === 2 ? ['after'] : ['before', 'after']);
    expect(await kv.put('after-restart', text('ok'))).toBeGreaterThan(0);

    expect(client.reconnects()).toBe(1);
    expect(client.health()).toEqual({ component: 'nats', healthy: true, detail: 'connected (1 reconnects)' });
    expect(logger.messages).toEqual(expect.arrayContaining(['nats connected', 'nats disconnected', 'nats reconnected']));
  }, 60_000);
});
