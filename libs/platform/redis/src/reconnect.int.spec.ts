import type { LogFields } from '@roost/ports';
import { eventually, startRedisServer, type TestServer } from '@roost/testing';
import { createRedisViewStore } from './redis-view-store';

let server: TestServer;
beforeAll(async () => (server = await startRedisServer()));
afterAll(async () => server.stop());

describe('Redis view store under a server crash', () => {
  it('reports unhealthy while redis-server is down and applies again once it is back', async () => {
    const logged: string[] = [];
    const record = (_fields: LogFields, message: string): void => void logged.push(message);
    const views = await createRedisViewStore({
      url: server.url,
      logger: { debug: record, info: record, warn: record, error: record },
      backoff: { initialMs: 20, maxMs: 200 },
    });
    try {
      expect(await views.applyOnce('roost:cp', 1, [{ op: 'set', key: 'roost:k', value: 'before' }])).toBe(true);
      expect(await views.health()).toEqual({ component: 'redis', healthy: true, detail: 'ready' });

      await server.kill();
      await eventually(async () => !(await views.health()).healthy, { what: 'the client to notice the crash' });

      await server.restart();
      await eventually(async () => (await views.health()).healthy, { timeoutMs: 10_000, what: 'reconnect' });
      // Nothing is persisted: the checkpoint is gone, as after a flush, and the views get rebuilt.
      expect(await views.checkpoint('roost:cp')).toBe(0);
      expect(await views.applyOnce('roost:cp', 1, [{ op: 'set', key: 'roost:k', value: 'after' }])).toBe(true);
      expect(await views.get('roost:k')).toBe('after');
      expect(logged).toEqual(expect.arrayContaining(['redis ready', 'redis reconnecting']));
    } finally {
      await views.close();
    }
  });

  it('maps a command sent while the server is unreachable to unavailable', async () => {
    const views = await createRedisViewStore({ url: server.url, backoff: { initialMs: 20, maxMs: 50 } });
    try {
      await server.kill();
      const error = await views.get('roost:k').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'unavailable' });
    } finally {
      await server.restart();
      await views.close();
    }
  });
});
