import Redis, { type RedisOptions } from 'ioredis';
import { silentLogger, type ComponentHealth, type Logger } from '@roost/ports';
import { DEFAULT_SENTINEL_MASTER, describeRedisTarget, type RedisTarget } from './redis-target';

export interface RedisConnectOptions extends RedisTarget {
  /** Client name shown by CLIENT LIST. */
  readonly name?: string;
  readonly logger?: Logger;
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Wait until the server answers before resolving (default true); retries forever meanwhile. */
  readonly waitUntilReady?: boolean;
}

export interface RedisClient {
  readonly redis: Redis;
  health(): Promise<ComponentHealth>;
  /** QUIT after pending replies; safe to call twice. */
  close(): Promise<void>;
}

/**
 * One Redis connection that reconnects forever with capped exponential backoff. With sentinels
 * it connects to the primary they name, and after a failover to the new one.
 */
export async function connectRedis(options: RedisConnectOptions): Promise<RedisClient> {
  const logger = options.logger ?? silentLogger;
  const initialMs = options.backoff?.initialMs ?? 100;
  const maxMs = options.backoff?.maxMs ?? 5_000;
  const common: RedisOptions = {
    connectionName: options.name ?? 'roost',
    retryStrategy: (times) => Math.min(initialMs * 2 ** Math.min(times - 1, 20), maxMs),
    maxRetriesPerRequest: 5,
    lazyConnect: true,
    // A primary demoted by a failover answers writes with READONLY: reconnect (to the new
    // primary, through the sentinels) and send the command again.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  };
  const where = describeRedisTarget(options);
  const redis = options.sentinels ? new Redis({ ...common, ...fromUrl(options.url), sentinels: [...options.sentinels], name: options.sentinelMaster ?? DEFAULT_SENTINEL_MASTER }) : new Redis(options.url ?? '', common);
  redis.on('error', (error: Error) => logger.warn({ error: error.message }, 'redis error'));
  redis.on('reconnecting', (delayMs: number) => logger.debug({ delayMs }, 'redis reconnecting'));
  redis.on('ready', () => logger.info({ url: where }, 'redis ready'));
  redis.on('+switch-master', () => logger.warn({ url: where }, 'redis sentinels switched the primary; reconnecting to the new one'));
  redis.on('end', () => logger.info({}, 'redis connection ended'));
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  redis.connect().catch(() => undefined); // failures are retried by retryStrategy and logged above
  if (options.waitUntilReady ?? true) await ready;
  let closing: Promise<void> | undefined;
  return {
    redis,
    health: async () => {
      if (redis.status !== 'ready') return { component: 'redis', healthy: false, detail: redis.status };
      try {
        await redis.ping();
        return { component: 'redis', healthy: true, detail: 'ready' };
      } catch (error) {
        return { component: 'redis', healthy: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
    close: () => {
      closing ??= redis
        .quit()
        .then(() => undefined)
        .catch(() => redis.disconnect());
      return closing;
    },
  };
}

/** The user, password and database of a URL given next to sentinels. */
function fromUrl(url: string | undefined): Pick<RedisOptions, 'username' | 'password' | 'db'> {
  if (url === undefined) return {};
  const parsed = new URL(url);
  const db = Number(parsed.pathname.replace(/^\//, '') || 0);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
  };
}
