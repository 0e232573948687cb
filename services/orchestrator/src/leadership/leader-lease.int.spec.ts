import { ALL_BUCKETS, BUCKETS } from '@roost/contracts';
import { connectNats, createNatsKeyValueBuckets, ensureTopology, type NatsClient } from '@roost/platform-nats';
import { silentLogger, type KeyValueStore } from '@roost/ports';
import { eventually, sleep, startNatsServer, type TestServer } from '@roost/testing';
import { LeaderLease } from './leader-lease';

/** A short lease TTL for the test; the declared bucket keeps its designed 10 s. */
const TTL_MS = 2_000;
const buckets = ALL_BUCKETS.map((bucket) => (bucket.name === BUCKETS.leases.name ? { ...bucket, ttlMs: TTL_MS } : bucket));

describe('leader lease on NATS KV', () => {
  let nats: TestServer;
  let client: NatsClient;
  let bucket: KeyValueStore;
  const leases: LeaderLease[] = [];

  const campaign = (holder: string, log: string[]): LeaderLease => {
    const lease = new LeaderLease(
      bucket,
      { key: 'orchestrator', holder, ttlMs: TTL_MS, renewMs: 500, retryMs: 100, now: Date.now, logger: silentLogger },
      { elected: async () => void log.push(`${holder} elected`), deposed: (reason) => void log.push(`${holder} deposed: ${reason}`) },
    );
    leases.push(lease);
    lease.start();
    return lease;
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    client = await connectNats({ url: nats.url });
    await ensureTopology(client.nc, { buckets });
    bucket = await createNatsKeyValueBuckets(client.nc, { buckets }).open(BUCKETS.leases.name);
  });

  afterAll(async () => {
    await Promise.all(leases.map((lease) => lease.stop()));
    await client.close();
    await nats.stop();
  });

  it('elects one leader, keeps it by renewing past the TTL, and hands over at once on a clean stop', async () => {
    const log: string[] = [];
    const first = campaign('one', log);
    await eventually(() => first.leading);
    const second = campaign('two', log);
    await sleep(TTL_MS * 2);
    expect(first.canAct()).toBe(true);
    expect(second.leading).toBe(false);
    const stoppedAt = Date.now();
    await first.stop();
    await eventually(() => second.leading, { timeoutMs: 2_000 });
    expect(Date.now() - stoppedAt).toBeLessThan(1_000);
    expect(log).toEqual(['one elected', 'two elected']);
    await second.stop();
  });

  it('lets a standby in only after a silent leader’s lease expired', async () => {
    const log: string[] = [];
    const crashed = campaign('crashed', log);
    await eventually(() => crashed.leading);
    // A crash: renewals stop without a release (stop() would delete the key).
    (crashed as unknown as { stopped: boolean }).stopped = true;
    const silentAt = Date.now();
    const standby = campaign('standby', log);
    await eventually(() => standby.leading, { timeoutMs: TTL_MS * 3 });
    expect(Date.now() - silentAt).toBeGreaterThanOrEqual(TTL_MS - 600);
    expect(crashed.canAct()).toBe(false);
    await standby.stop();
  });
});
