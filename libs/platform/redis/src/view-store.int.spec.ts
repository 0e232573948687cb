import { describeViewStoreContract, startRedisServer, type TestServer } from '@roost/testing';
import { connectRedis, type RedisClient } from './redis-connection';
import { RedisViewStore } from './redis-view-store';

let server: TestServer;
let admin: RedisClient;
beforeAll(async () => {
  server = await startRedisServer();
  admin = await connectRedis({ url: server.url, name: 'roost-test-admin' });
});
afterAll(async () => {
  await admin.close();
  await server.stop();
});

describeViewStoreContract('Redis', async () => {
  await admin.redis.flushall();
  const views = new RedisViewStore(await connectRedis({ url: server.url }));
  return { views, close: () => views.close() };
});
