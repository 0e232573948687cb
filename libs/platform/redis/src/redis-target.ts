/** Where the views' Redis is: one server by URL, or the primary a set of Sentinels names. */
export interface RedisTarget {
  /** `redis://[user:password@]host:port[/db]`; with sentinels, only its user, password and db count. */
  readonly url?: string;
  /** Sentinel addresses; the client asks them for the current primary and follows failovers. */
  readonly sentinels?: readonly RedisSentinelAddress[];
  /** The Sentinels' name of the primary (their `sentinel monitor <name> ...`). */
  readonly sentinelMaster?: string;
}

export interface RedisSentinelAddress {
  readonly host: string;
  readonly port: number;
}

/** A Redis setting that cannot be used; the message names the variable and the fix. */
export class RedisSettingError extends Error {
  readonly code = 'redis.bad_setting';
}

export const DEFAULT_SENTINEL_MASTER = 'mymaster';
const DEFAULT_SENTINEL_PORT = 26_379;

/**
 * Reads REDIS_URL, REDIS_SENTINELS and REDIS_SENTINEL_MASTER through `read` (by variable name);
 * undefined when neither REDIS_URL nor REDIS_SENTINELS is set (no Redis).
 */
export function redisTargetFrom(read: (variable: string) => string | undefined): RedisTarget | undefined {
  const url = read('REDIS_URL')?.trim() || undefined;
  const sentinelsText = read('REDIS_SENTINELS')?.trim() || undefined;
  if (sentinelsText === undefined) return url === undefined ? undefined : { url };
  const master = read('REDIS_SENTINEL_MASTER')?.trim() || DEFAULT_SENTINEL_MASTER;
  return { ...(url === undefined ? {} : { url }), sentinels: parseSentinels(sentinelsText), sentinelMaster: master };
}

/** `host:port,host:port` (port 26379 when left out). */
export function parseSentinels(text: string): RedisSentinelAddress[] {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new RedisSettingError('REDIS_SENTINELS (--redis-sentinels) lists no Sentinel; give host:port,host:port,...');
  return entries.map((entry) => {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    const port = match?.[2] === undefined ? DEFAULT_SENTINEL_PORT : Number(match[2]);
    if (!match || port < 1 || port > 65_535) {
      throw new RedisSettingError(`REDIS_SENTINELS (--redis-sentinels) entry "${entry}" is not host:port (e.g. sentinel-1:26379)`);
    }
    return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
  });
}

/** For logs: the URL without its password, or the Sentinels and the primary's name. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.sentinels) return `sentinel ${target.sentinelMaster ?? DEFAULT_SENTINEL_MASTER} via ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  return (target.url ?? '').replace(/\/\/[^@/]*@/, '//***@');
}
