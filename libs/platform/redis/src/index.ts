export { connectRedis } from './redis-connection';
export type { RedisClient, RedisConnectOptions } from './redis-connection';
export { createRedisViewStore, RedisViewStore } from './redis-view-store';
