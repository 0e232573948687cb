import { ALL_BUCKETS, type BucketDeclaration } from '@roost/contracts';
import {
  assertValidKvKey,
  KvConflictError,
  PortError,
  silentLogger,
  subjectMatches,
  type Clock,
  type KeyValueBuckets,
  type KeyValueStore,
  type KvEntry,
  type KvOperation,
  type Logger,
  type Subscription,
} from '@roost/ports';
import { systemClock } from './manual-clock';
import { nextTurn, nextTurnPromise } from './next-turn';

export interface MemoryKeyValueOptions {
  readonly clock?: Clock;
  readonly buckets?: readonly BucketDeclaration[];
  readonly logger?: Logger;
}

/**
 * KV buckets in process memory with NATS KV semantics: per-bucket revisions, create/update
 * compare-and-set, delete markers, watches, and TTL measured on the injected clock (checked
 * when read; expiry is not reported to watchers, as on nats-server 2.9).
 */
export function createMemoryKeyValueBuckets(options: MemoryKeyValueOptions = {}): KeyValueBuckets {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const stores = new Map<string, MemoryKeyValueStore>();
  for (const declaration of options.buckets ?? ALL_BUCKETS) {
    stores.set(declaration.name, new MemoryKeyValueStore(declaration, clock, logger));
  }
  return {
    async open(bucket) {
      const store = stores.get(bucket);
      if (!store) throw new PortError('unknown_bucket', `bucket ${bucket} is not declared`);
      return store;
    },
  };
}

interface Stored {
  readonly entry: KvEntry;
  readonly writtenAt: number;
}

interface Watcher {
  readonly pattern: string;
  readonly handler: (entry: KvEntry) => void;
  active: boolean;
}

class MemoryKeyValueStore implements KeyValueStore {
  readonly bucket: string;
  private revision = 0;
  private readonly entries = new Map<string, Stored>();
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly declaration: BucketDeclaration,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.bucket = declaration.name;
  }

  async get(key: string): Promise<KvEntry | null> {
    assertValidKvKey(this.bucket, key);
    const current = this.current(key);
    return current?.operation === 'PUT' ? current : null;
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    return this.write(key, value, 'PUT');
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    if (this.current(key)?.operation === 'PUT') throw new KvConflictError(this.bucket, key);
    return this.write(key, value, 'PUT');
  }

  async update(key: string, value: Uint8Array, expectedRevision: number): Promise<number> {
    if ((this.current(key)?.revision ?? 0) !== expectedRevision) throw new KvConflictError(this.bucket, key);
    return this.write(key, value, 'PUT');
  }

  async delete(key: string): Promise<void> {
    this.write(key, new Uint8Array(), 'DEL');
  }

  async keys(): Promise<string[]> {
    return [...this.entries.keys()].filter((key) => this.current(key)?.operation === 'PUT');
  }

  /** Resolves once the initial replay (if asked for) has been handed to the handler. */
  async watch(
    handler: (entry: KvEntry) => void,
    options: { key?: string; includeInitial?: boolean } = {},
  ): Promise<Subscription> {
    const watcher: Watcher = { pattern: options.key ?? '>', handler, active: true };
    const initial = options.includeInitial
      ? [...this.entries.keys()]
          .map((key) => this.current(key))
          .filter((e): e is KvEntry => e?.operation === 'PUT' && subjectMatches(watcher.pattern, e.key))
          .sort((a, b) => a.revision - b.revision)
      : [];
    this.watchers.add(watcher);
    for (const entry of initial) nextTurn(() => this.deliver(watcher, entry));
    await nextTurnPromise();
    return {
      unsubscribe: () => {
        watcher.active = false;
        this.watchers.delete(watcher);
      },
    };
  }

  /** The newest entry of the key (a delete marker included) unless it has expired. */
  private current(key: string): KvEntry | undefined {
    const stored = this.entries.get(key);
    if (!stored) return undefined;
    const ttl = this.declaration.ttlMs;
    if (ttl > 0 && this.clock.now() >= stored.writtenAt + ttl) {
      this.entries.delete(key);
      return undefined;
    }
    return stored.entry;
  }

  private write(key: string, value: Uint8Array, operation: KvOperation): number {
    assertValidKvKey(this.bucket, key);
    const entry: KvEntry = { bucket: this.bucket, key, value: value.slice(), revision: ++this.revision, operation };
    this.entries.set(key, { entry, writtenAt: this.clock.now() });
    for (const watcher of this.watchers) {
      if (subjectMatches(watcher.pattern, key)) nextTurn(() => this.deliver(watcher, entry));
    }
    return entry.revision;
  }

  private deliver(watcher: Watcher, entry: KvEntry): void {
    if (!watcher.active) return;
    try {
      watcher.handler(entry);
    } catch (error) {
      this.logger.error({ bucket: this.bucket, key: entry.key, error: String(error) }, 'kv watch handler threw');
    }
  }
}
