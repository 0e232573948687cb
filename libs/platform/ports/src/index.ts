export type { BusHandler, BusMessage, MessageBus, Subscription } from './bus';
export type {
  AppendOptions,
  AppendResult,
  BatchHandler,
  ConsumerSpec,
  EventConsumer,
  EventHandler,
  EventStore,
  FollowCondition,
  FollowSpec,
  StoredEvent,
} from './event-store';
export { DEFAULT_FOLLOW_BATCH } from './event-store';
export type { KeyValueBuckets, KeyValueStore, KvEntry, KvOperation } from './key-value';
export type { OwnedViewStore, ScoredMember, ViewStore, ViewWrite, ViewWriteOp, ZRangeQuery } from './view-store';
export type { ComponentHealth } from './component-health';
export type { Platform } from './platform';
export type { Clock } from './clock';
export type { LogFields, Logger } from './logger';
export { silentLogger } from './logger';
export { findBySubject, patternCovers, subjectMatches } from './subject-pattern';
export { assertValidKvKey } from './kv-key';
export { ConcurrencyConflictError, KvConflictError, PortError } from './errors';
export type { PortErrorCode } from './errors';
