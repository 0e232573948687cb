import type { MessageBus } from './bus';
import type { EventStore } from './event-store';
import type { KeyValueBuckets } from './key-value';
import type { ComponentHealth } from './component-health';
import type { ViewStore } from './view-store';

/** Everything a service needs from the outside world, whichever engines sit behind it. */
export interface Platform {
  readonly bus: MessageBus;
  readonly events: EventStore;
  readonly kv: KeyValueBuckets;
  readonly views: ViewStore;
  health(): Promise<ComponentHealth[]>;
  /** Drains in-flight work and closes every connection the platform owns. */
  close(): Promise<void>;
}
