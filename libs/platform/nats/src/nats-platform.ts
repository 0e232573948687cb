import type { BucketDeclaration, StreamDeclaration } from '@roost/contracts';
import { silentLogger, type EventConsumer, type EventStore, type OwnedViewStore, type Platform } from '@roost/ports';
import { ensureTopology } from './ensure-topology';
import { connectNats, type NatsConnectOptions } from './nats-connection';
import { createNatsEventStore } from './nats-event-store';
import { createNatsKeyValueBuckets } from './nats-key-value';
import { createNatsMessageBus } from './nats-message-bus';

export interface NatsServicePlatformOptions extends NatsConnectOptions {
  readonly streams?: readonly StreamDeclaration[];
  readonly buckets?: readonly BucketDeclaration[];
  readonly redeliveryDelayMs?: number;
}

export interface NatsPlatformOptions extends NatsServicePlatformOptions {
  /** The read-model store (Redis or in-memory); closed with the platform. */
  readonly views: OwnedViewStore;
}

/** The platform of a service that reads no views (gateway, orchestrator). */
export type ServicePlatform = Omit<Platform, 'views'>;

/**
 * Connects to NATS, makes sure the topology exists (idempotent) and bundles the bus, the event
 * store and the KV buckets. close() stops the consumers started through it and drains the
 * connection.
 */
export async function connectNatsServicePlatform(options: NatsServicePlatformOptions): Promise<ServicePlatform> {
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
      health: async () => [client.health()],
      close: async () => {
        await events.stopAll();
        await client.close();
      },
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** The service platform plus a view store, closed with it. */
export async function connectNatsPlatform(options: NatsPlatformOptions): Promise<Platform> {
  const { views } = options;
  const platform = await connectNatsServicePlatform(options);
  return {
    ...platform,
    views,
    health: async () => [...(await platform.health()), await views.health()],
    close: async () => {
      await platform.close();
      await views.close();
    },
  };
}

/** Wraps an event store so that every consumer it started can be stopped at shutdown. */
export function trackConsumers(store: EventStore): { store: EventStore; stopAll(): Promise<void> } {
  const running = new Set<{ stop(): Promise<void> }>();
  const tracked: EventStore = {
    append: (subject, data, options) => store.append(subject, data, options),
    read: (filter, options) => store.read(filter, options),
    lastSequence: (stream) => store.lastSequence(stream),
    lastSubjectSequence: (subject) => store.lastSubjectSequence(subject),
    consume: (spec, handler) => track(store.consume(spec, handler)),
    follow: (spec, handler) => track(store.follow(spec, handler)),
  };
  async function track(started: Promise<EventConsumer>): Promise<EventConsumer> {
    const consumer = await started;
    const entry = {
      stop: async () => {
        running.delete(entry);
        await consumer.stop();
      },
    };
    running.add(entry);
    return entry;
  }
  return { store: tracked, stopAll: async () => void (await Promise.all([...running].map((c) => c.stop()))) };
}
