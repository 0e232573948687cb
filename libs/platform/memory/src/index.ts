export { ManualClock, systemClock } from './manual-clock';
export { createMemoryMessageBus } from './memory-message-bus';
export { createMemoryEventStore } from './memory-event-store';
export type { MemoryEventStore, MemoryEventStoreOptions } from './memory-event-store';
export { createMemoryKeyValueBuckets } from './memory-key-value';
export type { MemoryKeyValueOptions } from './memory-key-value';
export { createMemoryViewStore } from './memory-view-store';
export { createMemoryPlatform } from './memory-platform';
export type { MemoryPlatformOptions } from './memory-platform';
