import type { Subscription } from './bus';

export type KvOperation = 'PUT' | 'DEL' | 'PURGE';

export interface KvEntry {
  readonly bucket: string;
  readonly key: string;
  readonly value: Uint8Array;
  /** Strictly increasing per bucket; the compare-and-set token. */
  readonly revision: number;
  readonly operation: KvOperation;
}

/**
 * One bucket of keys (NATS KV). Keys are dot-separated tokens of [-/_=A-Za-z0-9]; writes of
 * any other key reject with PortError `invalid_argument`.
 */
export interface KeyValueStore {
  readonly bucket: string;
  /** Null when the key was never written, was deleted, or expired (bucket TTL). */
  get(key: string): Promise<KvEntry | null>;
  put(key: string, value: Uint8Array): Promise<number>;
  /** Rejects with KvConflictError when the key already holds a value. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** Compare-and-set: rejects with KvConflictError when the revision is not the latest. */
  update(key: string, value: Uint8Array, expectedRevision: number): Promise<number>;
  /** Deleting writes a marker: later `create` of the key succeeds again. */
  delete(key: string): Promise<void>;
  /** Keys that currently hold a value. */
  keys(): Promise<string[]>;
  /**
   * Calls the handler for every change (deletes included). With `includeInitial`, first
   * replays the current value of every key (deleted keys are not replayed), then goes on
   * with changes. Entries arrive asynchronously, each key's in revision order and once; when
   * the store loses its server-side cursor (a node lost) it replays the last value of every
   * key, so a key's intermediate revisions may be skipped but never its latest. Expiry by TTL
   * is not reported (nats-server 2.9 writes no marker for it).
   */
  watch(handler: (entry: KvEntry) => void, options?: { key?: string; includeInitial?: boolean }): Promise<Subscription>;
}

export interface KeyValueBuckets {
  /** Opens a bucket declared in the topology; rejects with PortError `unknown_bucket` otherwise. */
  open(bucket: string): Promise<KeyValueStore>;
}
