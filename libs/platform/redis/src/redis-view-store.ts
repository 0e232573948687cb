import type Redis from 'ioredis';
import {
  PortError,
  type ComponentHealth,
  type OwnedViewStore,
  type ScoredMember,
  type ViewWrite,
  type ZRangeQuery,
} from '@roost/ports';
import { APPLY_ONCE_LUA, encodeBatch, formatScore } from './apply-once-script';
import { connectRedis, type RedisClient, type RedisConnectOptions } from './redis-connection';

const SCAN_COUNT = 500;
const UNLINK_BATCH = 500;

/** Connects to Redis and serves the ViewStore port from it; close() quits the connection. */
export async function createRedisViewStore(options: RedisConnectOptions): Promise<OwnedViewStore> {
  return new RedisViewStore(await connectRedis(options));
}

export class RedisViewStore implements OwnedViewStore {
  private readonly redis: Redis;

  constructor(private readonly client: RedisClient) {
    this.redis = client.redis;
  }

  async applyOnce(checkpointKey: string, sequence: number, writes: readonly ViewWrite[]): Promise<boolean> {
    const { keys, argv } = encodeBatch(checkpointKey, sequence, writes);
    // EVAL with the script each time, never EVALSHA with a retry on NOSCRIPT: a retry would go
    // out after commands sent meanwhile, and a caller that reads while a write is in flight
    // relies on the connection's order (Redis caches the compiled script by its hash anyway).
    return this.run(`applyOnce ${checkpointKey}@${sequence}`, async () => (await this.redis.eval(APPLY_ONCE_LUA, keys.length, ...keys, ...argv)) === 1);
  }

  async checkpoint(checkpointKey: string): Promise<number> {
    const value = await this.run(`checkpoint ${checkpointKey}`, () => this.redis.get(checkpointKey));
    return value === null ? 0 : Number(value);
  }

  get(key: string): Promise<string | null> {
    return this.run(`get ${key}`, () => this.redis.get(key));
  }

  hget(key: string, field: string): Promise<string | null> {
    return this.run(`hget ${key}`, () => this.redis.hget(key, field));
  }

  hgetall(key: string): Promise<Record<string, string>> {
    return this.run(`hgetall ${key}`, () => this.redis.hgetall(key));
  }

  async zrange(key: string, query: ZRangeQuery = {}): Promise<ScoredMember[]> {
    const offset = query.offset ?? 0;
    if (query.count === 0) return [];
    const reply = await this.run(`zrange ${key}`, () => {
      if (query.by === 'score') {
        const min = formatScore(query.min ?? -Infinity);
        const max = formatScore(query.max ?? Infinity);
        const limit = ['LIMIT', offset, query.count ?? -1] as const;
        return query.reverse
          ? this.redis.zrevrangebyscore(key, max, min, 'WITHSCORES', ...limit)
          : this.redis.zrangebyscore(key, min, max, 'WITHSCORES', ...limit);
      }
      const stop = query.count === undefined ? -1 : offset + query.count - 1;
      return query.reverse
        ? this.redis.zrevrange(key, offset, String(stop), 'WITHSCORES')
        : this.redis.zrange(key, offset, String(stop), 'WITHSCORES');
    });
    const members: ScoredMember[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const [member, score] = [reply[i], reply[i + 1]];
      if (member !== undefined && score !== undefined) members.push({ member, score: parseScore(score) });
    }
    return members;
  }

  zcard(key: string): Promise<number> {
    return this.run(`zcard ${key}`, () => this.redis.zcard(key));
  }

  async zscore(key: string, member: string): Promise<number | null> {
    const score = await this.run(`zscore ${key}`, () => this.redis.zscore(key, member));
    return score === null ? null : parseScore(score);
  }

  async smembers(key: string): Promise<string[]> {
    return (await this.run(`smembers ${key}`, () => this.redis.smembers(key))).sort(bytewise);
  }

  async scanKeys(prefix: string): Promise<string[]> {
    return this.run(`scan ${prefix}*`, async () => {
      const keys = new Set<string>();
      let cursor = '0';
      do {
        const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', SCAN_COUNT);
        for (const key of batch) keys.add(key);
        cursor = next;
      } while (cursor !== '0');
      return [...keys].sort(bytewise);
    });
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    const keys = await this.scanKeys(prefix);
    let deleted = 0;
    for (let i = 0; i < keys.length; i += UNLINK_BATCH) {
      deleted += await this.run(`delete ${prefix}*`, () => this.redis.unlink(...keys.slice(i, i + UNLINK_BATCH)));
    }
    return deleted;
  }

  health(): Promise<ComponentHealth> {
    return this.client.health();
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** Maps Redis failures onto the port's codes: a refused write or wrong type is the caller's. */
  private async run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.includes('INVALID_WRITE') || message.startsWith('WRONGTYPE')) {
        throw new PortError('invalid_argument', `${what}: ${message.replace(/^.*INVALID_WRITE /, '')}`);
      }
      throw new PortError('unavailable', `${what}: ${message}`);
    }
  }
}

function parseScore(value: string): number {
  if (value === 'inf' || value === '+inf') return Infinity;
  if (value === '-inf') return -Infinity;
  return Number(value);
}

/** SCAN MATCH is a glob: a prefix is matched literally. */
function escapeGlob(prefix: string): string {
  return prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
