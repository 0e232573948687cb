import type { BucketDeclaration, StreamDeclaration } from '@roost/contracts';
import { silentLogger, type Clock, type Logger, type OwnedViewStore, type Platform } from '@roost/ports';
import { systemClock } from './manual-clock';
import { createMemoryEventStore } from './memory-event-store';
import { createMemoryKeyValueBuckets } from './memory-key-value';
import { createMemoryMessageBus } from './memory-message-bus';
import { createMemoryViewStore } from './memory-view-store';

export interface MemoryPlatformOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Defaults to an in-memory store; pass a Redis one to keep views outside the process. */
  readonly views?: OwnedViewStore;
  readonly streams?: readonly StreamDeclaration[];
  readonly buckets?: readonly BucketDeclaration[];
  readonly redeliveryDelayMs?: number;
}

/** Every port in one process: the all-in-one's default when NATS_URL is not set. */
export function createMemoryPlatform(options: MemoryPlatformOptions = {}): Platform {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const events = createMemoryEventStore({ clock, logger, streams: options.streams, redeliveryDelayMs: options.redeliveryDelayMs });
  const views = options.views ?? createMemoryViewStore();
  return {
    bus: createMemoryMessageBus({ logger }),
    events,
    kv: createMemoryKeyValueBuckets({ clock, logger, buckets: options.buckets }),
    views,
    health: async () => [{ component: 'memory', healthy: true, detail: 'in-process' }, await views.health()],
    close: async () => {
      await events.close();
      await views.close();
    },
  };
}
