import type { ComponentHealth } from './component-health';

/**
 * Read models (Redis). Writes are a closed set of commands that `applyOnce` runs atomically
 * together with a checkpoint, so a redelivered stream event is never applied twice.
 * Keys and fields are plain strings chosen by the caller (Roost uses `roost:*`).
 */
export type ViewWrite =
  | { readonly op: 'set'; readonly key: string; readonly value: string }
  | { readonly op: 'del'; readonly key: string }
  | { readonly op: 'hset'; readonly key: string; readonly fields: Readonly<Record<string, string>> }
  | { readonly op: 'hincrby'; readonly key: string; readonly field: string; readonly by: number }
  | { readonly op: 'hdel'; readonly key: string; readonly fields: readonly string[] }
  | { readonly op: 'zadd'; readonly key: string; readonly members: readonly ScoredMember[] }
  | { readonly op: 'zrem'; readonly key: string; readonly members: readonly string[] }
  | { readonly op: 'sadd'; readonly key: string; readonly members: readonly string[] }
  | { readonly op: 'srem'; readonly key: string; readonly members: readonly string[] };

export type ViewWriteOp = ViewWrite['op'];

export interface ScoredMember {
  readonly member: string;
  readonly score: number;
}

/**
 * Sorted-set range. `by: 'rank'` (default) pages through the set in score order (ties by member,
 * bytewise); `by: 'score'` keeps members with min <= score <= max. `offset`/`count` page the
 * result; `reverse` walks from the highest score down.
 */
export interface ZRangeQuery {
  readonly by?: 'rank' | 'score';
  readonly min?: number;
  readonly max?: number;
  readonly offset?: number;
  readonly count?: number;
  readonly reverse?: boolean;
}

export interface ViewStore {
  /**
   * Runs `writes` in order and stores `sequence` under `checkpointKey`, all or nothing, unless
   * the stored checkpoint is already >= `sequence`: then nothing is written and it resolves
   * false. A write that cannot apply (a key of another type, a non-integer hash field under
   * hincrby) rejects the whole batch with a PortError coded `invalid_argument`.
   */
  applyOnce(checkpointKey: string, sequence: number, writes: readonly ViewWrite[]): Promise<boolean>;
  /** The checkpoint stored by applyOnce (0 when none). */
  checkpoint(checkpointKey: string): Promise<number>;
  get(key: string): Promise<string | null>;
  hget(key: string, field: string): Promise<string | null>;
  /** Empty object when the key does not exist. */
  hgetall(key: string): Promise<Record<string, string>>;
  zrange(key: string, query?: ZRangeQuery): Promise<ScoredMember[]>;
  zcard(key: string): Promise<number>;
  zscore(key: string, member: string): Promise<number | null>;
  /** Sorted bytewise. */
  smembers(key: string): Promise<string[]>;
  /** Every key starting with `prefix`, sorted. */
  scanKeys(prefix: string): Promise<string[]>;
  /** Deletes every key starting with `prefix` (for rebuilds); resolves to how many. */
  deleteByPrefix(prefix: string): Promise<number>;
}

/** A view store whose connection the holder owns and must close. */
export interface OwnedViewStore extends ViewStore {
  health(): Promise<ComponentHealth>;
  close(): Promise<void>;
}
