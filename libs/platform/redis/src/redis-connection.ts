import Redis from 'ioredis';
import { silentLogger, type ComponentHealth, type Logger } from '@roost/ports';

export interface RedisConnectOptions {
  /** e.g. `redis://127.0.0.1:6379/0`. */
  readonly url: string;
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

/** One Redis connection that reconnects forever with capped exponential backoff. */
export async function connectRedis(options: RedisConnectOptions): Promise<RedisClient> {
  const logger = options.logger ?? silentLogger;
  const initialMs = options.backoff?.initialMs ?? 100;
  const maxMs = options.backoff?.maxMs ?? 5_000;
  const redis = new Redis(options.url, {
    connectionName: options.name ?? 'roost',
    retryStrategy: (times) => Math.min(initialMs * 2 ** Math.min(times - 1, 20), maxMs),
    maxRetriesPerRequest: 5,
    lazyConnect: true,
  });
  redis.on('error', (error: Error) => logger.warn({ error: error.message }, 'redis error'));
  redis.on('reconnecting', (delayMs: number) => logger.debug({ delayMs }, 'redis reconnecting'));
  redis.on('ready', () => logger.info({ url: redactUrl(options.url) }, 'redis ready'));
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

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
