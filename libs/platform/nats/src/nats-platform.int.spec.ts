import { subjects } from '@roost/contracts';
import type { ComponentHealth, OwnedViewStore } from '@roost/ports';
import { eventually } from '@roost/testing';
import { connectNatsPlatform } from './nats-platform';
import { NatsTestBed } from './nats-test-fixture';

let bed: NatsTestBed;
beforeAll(async () => (bed = await NatsTestBed.start()));
afterAll(async () => bed.stop());

/** Stands in for Redis here: the platform only needs to report its health and close it. */
function fakeViews(): OwnedViewStore & { closed: boolean } {
  const unused = (): never => {
    throw new Error('not used by this test');
  };
  const views = {
    closed: false,
    applyOnce: unused, checkpoint: unused, get: unused, hget: unused, hgetall: unused, zrange: unused,
    zcard: unused, zscore: unused, smembers: unused, scanKeys: unused, deleteByPrefix: unused,
    health: async (): Promise<ComponentHealth> => ({ component: 'views', healthy: true, detail: 'ok' }),
    close: async () => void (views.closed = true),
  };
  return views;
}

describe('connectNatsPlatform', () => {
  it('creates the topology, serves every port, reports health and closes everything it owns', async () => {
    await bed.reset();
    const views = fakeViews();
    const platform = await connectNatsPlatform({ url: bed.server.url, name: 'platform-test', views });

    const { sequence } = await platform.events.append(subjects.rolloutEvents('p1'), new Uint8Array([1]));
    expect(sequence).toBeGreaterThan(0);
    const seen: number[] = [];
    await platform.events.consume({ stream: 'ROLLOUT_EVENTS', durable: 'platform-test' }, async (e) => void seen.push(e.sequence));
    await eventually(() => seen.length === 1);
    await (await platform.kv.open('leases')).put('orchestrator', new Uint8Array([1]));
    expect(await platform.health()).toEqual([
      { component: 'nats', healthy: true, detail: 'connected' },
      { component: 'views', healthy: true, detail: 'ok' },
    ]);

    await platform.close();
    expect(views.closed).toBe(true);
    expect(() => platform.bus.publish('after.close', new Uint8Array())).toThrow(expect.objectContaining({ code: 'unavailable' }));
  });
});
