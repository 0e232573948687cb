/**
 * The views' Redis as a primary, a replica and three Sentinels (Debian's redis-server and
 * redis-sentinel): the primary is failed over (SENTINEL FAILOVER) mid-rollout while events keep
 * arriving. The projector and the admin API, connected through the Sentinels, carry on against
 * the new primary; the views end equal to a clean rebuild, so no event was lost or counted twice
 * across the switch (the projector's checkpoint is written with each batch, on the same primary).
 */
import { startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { connectNatsPlatform } from '@roost/platform-nats';
import { connectRedis, createRedisViewStore, type RedisClient } from '@roost/platform-redis';
import type { Platform } from '@roost/ports';
import { rebuildProjectorViews, startProjector } from '@roost/projector';
import type { RolloutEvent } from '@roost/rollout';
import { eventually, startNatsServer, startRedisSentinels, type TestRedisSentinels, type TestServer } from '@roost/testing';
import { appendFleetEvents, appendRolloutEvents, dumpViews, fleetEventsOf, simulateOriginal } from './projector-fixtures';

jest.setTimeout(180_000);

describe('views on Redis behind Sentinel', () => {
  const startedAt = Date.now();
  let nats: TestServer;
  let redis: TestRedisSentinels;
  const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNatsServer(), startRedisSentinels()]);
  });

  afterAll(async () => {
    for (const item of open.splice(0).reverse()) await ('stop' in item ? item.stop() : item.close());
    await Promise.all([nats?.stop(), redis?.stop()]);
    process.stdout.write(`sentinel-failover suite: ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
  });

  const target = (db = 0) => ({ sentinels: redis.sentinels, sentinelMaster: redis.master, ...(db === 0 ? {} : { url: `redis://ignored/${db}` }) });

  async function platformOn(name: string, db = 0): Promise<Platform> {
    const views = await createRedisViewStore({ ...target(db), name, backoff: { initialMs: 20, maxMs: 200 } });
    const platform = await connectNatsPlatform({ url: nats.url, views, name, redeliveryDelayMs: 20 });
    open.push(platform);
    return platform;
  }

  it('keeps the projector and the admin API going through a failover mid-rollout, views equal to a clean rebuild', async () => {
    const result = simulateOriginal('failover', { size: 80, failing: (i) => i % 17 === 0 });
    const events = result.events;
    const cuts = [Math.floor(events.length / 3), Math.floor((2 * events.length) / 3)];
    const [head, middle, tail] = [events.slice(0, cuts[0]), events.slice(cuts[0], cuts[1]), events.slice(cuts[1])] as [RolloutEvent[], RolloutEvent[], RolloutEvent[]];
    const fleet = fleetEventsOf(result, 80);

    const platform = await platformOn('roost-projector');
    const projector = await startProjector({ lagIntervalMs: 50, httpPort: 0 }, platform);
    open.push(projector);
    const apiPlatform = await platformOn('roost-admin-api');
    const api: RunningAdminApi = await startAdminApi({ httpPort: 0, grpcPort: null, watchIntervalMs: 100 }, apiPlatform);
    open.push(api);
    const status = async (): Promise<{ status: string }> => {
      const response = await fetch(`${api.url}/api/v1/rollouts/failover`);
      if (response.status !== 200) throw new Error(`GET rollout answered ${response.status}`);
      return (await response.json()) as { status: string };
    };

    await appendFleetEvents(platform.events, fleet);
    await appendRolloutEvents(platform.events, head);
    await projector.caughtUp();
    expect((await status()).status).toBe('in_progress');

    // Events keep arriving while the Sentinels switch the primary.
    const switchedAt = Date.now();
    const [switched] = await Promise.all([redis.failover(), appendRolloutEvents(platform.events, middle)]);
    const switchMs = Date.now() - switchedAt;
    await appendRolloutEvents(platform.events, tail);

    // A clean pass over the streams, into database 1 of the new primary, is what the views must equal.
    const referencePlatform = await platformOn('roost-reference', 1);
    await rebuildProjectorViews(referencePlatform);
    const reference: RedisClient = await connectRedis({ url: `redis://127.0.0.1:${switched.to}/1`, name: 'roost-test-reference' });
    open.push(reference);
    const expected = JSON.stringify(await dumpViews(reference));
    const primary: RedisClient = await connectRedis({ url: `redis://127.0.0.1:${switched.to}/0`, name: 'roost-test-admin' });
    open.push(primary);
    expect((await primary.redis.info('replication')).includes('role:master')).toBe(true);
    // Writes the old primary took after the replica was promoted are dropped when it resyncs as a
    // replica; the projector then finds its checkpoint behind what it applied and rebuilds.
    const settledMs = await eventually(async () => JSON.stringify(await dumpViews(primary)) === expected && Date.now() - switchedAt, {
      timeoutMs: 90_000,
      intervalMs: 200,
      what: 'the views on the new primary to equal a clean rebuild',
    });
    expect((await status()).status).toBe('completed');
    const rebuilds = /roost_projector_rebuilds_total\{cause="views_lost"\} (\d+)/.exec(await projector.metrics.registry.metrics())?.[1] ?? '0';
    process.stdout.write(
      `sentinel-failover: primary ${switched.from} -> ${switched.to} in ${switchMs} ms; views equal to a clean rebuild ${settledMs} ms after the failover began; ` +
        `projector rebuilds for lost views: ${rebuilds}\n`,
    );
  });
});
