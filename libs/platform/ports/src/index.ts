export type { BusHandler, BusMessage, MessageBus, Subscription } from './bus';
export type {
  AppendOptions,
  AppendResult,
  ConsumerSpec,
  EventConsumer,
  EventHandler,
  EventStore,
  StoredEvent,
} from './event-store';
export type { KeyValueBuckets, KeyValueStore, KvEntry, KvOperation } from './key-value';
export { ConcurrencyConflictError, KvConflictError, PortError } from './errors';
export type { PortErrorCode } from './errors';
