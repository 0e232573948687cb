import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry as NatsKvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
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
import { watchBucket } from './kv-watch';
import { placementAccess, type JetStreamAccess } from './resumable-consumer';
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
    return new NatsKeyValueStore(bucket, await kvm.open(bucket, { bindOnly: true }), await placementAccess(nc), logger);
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
    private readonly jetStream: JetStreamAccess,
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
   * in revision order, even if the underlying consumer is recreated (see watchBucket).
   */
  async watch(handler: (entry: KvEntry) => void, options: { key?: string; includeInitial?: boolean } = {}): Promise<Subscription> {
    const key = options.key ?? '>';
    return this.call(key, async () => {
      const includeInitial = options.includeInitial === true;
      const afterRevision = includeInitial ? 0 : (await this.kv.status()).streamInfo.state.last_seq;
      return watchBucket(this.jetStream, { bucket: this.bucket, key, includeInitial, afterRevision, logger: this.logger }, handler);
    });
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

function toEntry(entry: NatsKvEntry): KvEntry {
  return { bucket: entry.bucket, key: entry.key, value: entry.value, revision: entry.revision, operation: entry.operation };
}
