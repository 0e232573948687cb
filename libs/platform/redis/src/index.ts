export { connectRedis } from './redis-connection';
export type { RedisClient, RedisConnectOptions } from './redis-connection';
export { createRedisViewStore, RedisViewStore } from './redis-view-store';
export { DEFAULT_SENTINEL_MASTER, describeRedisTarget, parseSentinels, RedisSettingError, redisTargetFrom } from './redis-target';
export type { RedisSentinelAddress, RedisTarget } from './redis-target';
