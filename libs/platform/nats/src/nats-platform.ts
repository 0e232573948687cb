import type { BucketDeclaration, StreamDeclaration } from '@roost/contracts';
import { silentLogger, type EventStore, type OwnedViewStore, type Platform } from '@roost/ports';
import { ensureTopology } from './ensure-topology';
import { connectNats, type NatsConnectOptions } from './nats-connection';
import { createNatsEventStore } from './nats-event-store';
import { createNatsKeyValueBuckets } from './nats-key-value';
import { createNatsMessageBus } from './nats-message-bus';

export interface NatsPlatformOptions extends NatsConnectOptions {
  /** The read-model store (Redis or in-memory); closed with the platform. */
  readonly views: OwnedViewStore;
  readonly streams?: readonly StreamDeclaration[];
  readonly buckets?: readonly BucketDeclaration[];
  readonly redeliveryDelayMs?: number;
}

/**
 * Connects to NATS, makes sure the topology exists and bundles the adapters. close() stops
 * the consumers started through it, drains the connection and closes the view store.
 */
export async function connectNatsPlatform(options: NatsPlatformOptions): Promise<Platform> {
  const logger = options.logger ?? silentLogger;
  const client = await connectNats(options);
  try {
    await ensureTopology(client.nc, { streams: options.streams, buckets: options.buckets, logger });
    const events = trackConsumers(
      await createNatsEventStore(client.nc, { streams: options.streams, logger, redeliveryDelayMs: options.redeliveryDelayMs }),
    );
    return {
      bus: createNatsMessageBus(client.nc, logger),
      events: events.store,
      kv: createNatsKeyValueBuckets(client.nc, { buckets: options.buckets, logger }),
      views: options.views,
      health: async () => [client.health(), await options.views.health()],
      close: async () => {
        await events.stopAll();
        await client.close();
        await options.views.close();
      },
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** Wraps an event store so that every consumer it started can be stopped at shutdown. */
export function trackConsumers(store: EventStore): { store: EventStore; stopAll(): Promise<void> } {
  const running = new Set<{ stop(): Promise<void> }>();
  const tracked: EventStore = {
    append: (subject, data, options) => store.append(subject, data, options),
    read: (filter, options) => store.read(filter, options),
    lastSequence: (stream) => store.lastSequence(stream),
    lastSubjectSequence: (subject) => store.lastSubjectSequence(subject),
    consume: async (spec, handler) => {
      const consumer = await store.consume(spec, handler);
      const entry = {
        stop: async () => {
          running.delete(entry);
          await consumer.stop();
        },
      };
      running.add(entry);
      return entry;
    },
  };
  return { store: tracked, stopAll: async () => void (await Promise.all([...running].map((c) => c.stop()))) };
}
