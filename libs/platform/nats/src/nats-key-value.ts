import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, KvWatchInclude, type KV, type KvEntry as NatsKvEntry } from '@nats-io/kv';
import type { NatsConnection, QueuedIterator } from '@nats-io/nats-core';
import { ALL_BUCKETS, type BucketDeclaration } from '@roost/contracts';
import {
  assertValidKvKey,
  KvConflictError,
  PortError,
  silentLogger,
  type KeyValueBuckets,
  type KeyValueStore,
  type KvEntry,
  type Logger,
  type Subscription,
} from '@roost/ports';
import { kvStreamName } from './ensure-topology';
import { hasJetStreamCode, STREAM_NOT_FOUND, toPortError, WRONG_LAST_SEQUENCE } from './nats-errors';

export interface NatsKeyValueOptions {
  readonly buckets?: readonly BucketDeclaration[];
  readonly logger?: Logger;
}

/** KV buckets on JetStream; the buckets must exist (see ensureTopology). */
export function createNatsKeyValueBuckets(nc: NatsConnection, options: NatsKeyValueOptions = {}): KeyValueBuckets {
  const declared = options.buckets ?? ALL_BUCKETS;
  const logger = options.logger ?? silentLogger;
  const kvm = new Kvm(nc);
  const opened = new Map<string, Promise<KeyValueStore>>();
  const open = async (bucket: string): Promise<KeyValueStore> => {
    const jsm = await jetstreamManager(nc);
    await requireBucket(jsm, bucket);
    return new NatsKeyValueStore(bucket, await kvm.open(bucket, { bindOnly: true }), logger);
  };
  return {
    open(bucket) {
      if (!declared.some((b) => b.name === bucket)) {
        return Promise.reject(new PortError('unknown_bucket', `bucket ${bucket} is not declared`));
      }
      let store = opened.get(bucket);
      if (!store) {
        store = open(bucket);
        store.catch(() => opened.delete(bucket));
        opened.set(bucket, store);
      }
      return store;
    },
  };
}

async function requireBucket(jsm: JetStreamManager, bucket: string): Promise<void> {
  try {
    await jsm.streams.info(kvStreamName(bucket));
  } catch (error) {
    if (hasJetStreamCode(error, STREAM_NOT_FOUND)) {
      throw new PortError('unknown_bucket', `bucket ${bucket} is declared but missing on the server (ensureTopology not run?)`);
    }
    throw toPortError(error, `open bucket ${bucket}`);
  }
}

class NatsKeyValueStore implements KeyValueStore {
  constructor(
    readonly bucket: string,
    private readonly kv: KV,
    private readonly logger: Logger,
  ) {}

  async get(key: string): Promise<KvEntry | null> {
    const entry = await this.call(key, () => this.kv.get(key), true);
    return entry && entry.operation === 'PUT' ? toEntry(entry) : null;
  }

  put(key: string, value: Uint8Array): Promise<number> {
    return this.call(key, () => this.kv.put(key, value), true);
  }

  create(key: string, value: Uint8Array): Promise<number> {
    return this.call(key, () => this.kv.create(key, value), true);
  }

  update(key: string, value: Uint8Array, expectedRevision: number): Promise<number> {
    return this.call(key, () => this.kv.update(key, value, expectedRevision), true);
  }

  delete(key: string): Promise<void> {
    return this.call(key, () => this.kv.delete(key), true);
  }

  async keys(): Promise<string[]> {
    return this.call('>', async () => {
      const keys: string[] = [];
      for await (const key of await this.kv.keys()) keys.push(key);
      return keys;
    });
  }

  /**
   * Resolves once the initial replay (if asked for) has been handed to the handler. An
   * updates-only watch starts right after the bucket's last revision at the time of the call,
   * so nothing written after `watch` resolves can slip past it; entries reach the handler once,
   * in revision order, even if the underlying consumer is recreated.
   */
  async watch(
    handler: (entry: KvEntry) => void,
    options: { key?: string; includeInitial?: boolean } = {},
  ): Promise<Subscription> {
    const key = options.key ?? '>';
    const iter = await this.call(key, async () => {
      if (options.includeInitial) return this.kv.watch({ key, include: KvWatchInclude.LastValue });
      const lastRevision = (await this.kv.status()).streamInfo.state.last_seq;
      return this.kv.watch({ key, include: KvWatchInclude.UpdatesOnly, resumeFromRevision: lastRevision + 1 });
    });
    let initialLeft = options.includeInitial ? await initialCount(iter) : 0;
    let initialDone: () => void = () => undefined;
    const replayed = new Promise<void>((resolve) => (initialDone = resolve));
    if (initialLeft === 0) initialDone();
    let lastDelivered = 0;
    const pump = async (): Promise<void> => {
      for await (const entry of iter) {
        const initial = initialLeft > 0;
        if (initial) initialLeft--;
        // The replay shows what is there now; delete markers of vanished keys are no news.
        const news = !(initial && entry.operation !== 'PUT') && entry.revision > lastDelivered;
        if (news) {
          lastDelivered = entry.revision;
          this.deliver(handler, toEntry(entry));
        }
        if (initial && initialLeft === 0) initialDone();
      }
      initialDone();
    };
    pump().catch((error: unknown) => this.logger.error({ bucket: this.bucket, error: String(error) }, 'kv watch ended'));
    await replayed;
    return { unsubscribe: () => iter.stop() };
  }

  private deliver(handler: (entry: KvEntry) => void, entry: KvEntry): void {
    try {
      handler(entry);
    } catch (error) {
      this.logger.error({ bucket: this.bucket, key: entry.key, error: String(error) }, 'kv watch handler threw');
    }
  }

  /** Runs a nats.js call with the port's error mapping; `exactKey` calls check the key first. */
  private async call<T>(key: string, operation: () => Promise<T>, exactKey = false): Promise<T> {
    if (exactKey) assertValidKvKey(this.bucket, key);
    try {
      return await operation();
    } catch (error) {
      if (hasJetStreamCode(error, WRONG_LAST_SEQUENCE)) throw new KvConflictError(this.bucket, key);
      throw toPortError(error, `kv ${this.bucket} ${key}`);
    }
  }
}

/** How many entries the watcher's consumer had pending at creation: the initial replay. */
async function initialCount(iter: QueuedIterator<unknown>): Promise<number> {
  const consumer = (iter as unknown as { _data?: unknown })._data as { info?: (cached: boolean) => Promise<{ num_pending: number }> } | undefined;
  if (typeof consumer?.info !== 'function') return 0;
  return (await consumer.info(true)).num_pending;
}

function toEntry(entry: NatsKvEntry): KvEntry {
  return { bucket: entry.bucket, key: entry.key, value: entry.value, revision: entry.revision, operation: entry.operation };
}
