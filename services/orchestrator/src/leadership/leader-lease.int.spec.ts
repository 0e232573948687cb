import { ALL_BUCKETS, BUCKETS } from '@roost/contracts';
import { connectNats, createNatsKeyValueBuckets, ensureTopology, type NatsClient } from '@roost/platform-nats';
import { silentLogger, type KeyValueStore, type Logger } from '@roost/ports';
import { eventually, recordingLogger, sleep, startNatsServer, type TestServer } from '@roost/testing';
import { LeaderLease } from './leader-lease';

/** A short lease TTL for the test; the declared bucket keeps its designed 10 s. */
const TTL_MS = 2_000;
const buckets = ALL_BUCKETS.map((bucket) => (bucket.name === BUCKETS.leases.name ? { ...bucket, ttlMs: TTL_MS } : bucket));

describe('leader lease on NATS KV', () => {
  let nats: TestServer;
  let client: NatsClient;
  let bucket: KeyValueStore;
  const leases: LeaderLease[] = [];

  const campaign = (holder: string, log: string[], logger: Logger = silentLogger): LeaderLease => {
    const lease = new LeaderLease(
      bucket,
      { key: 'orchestrator', holder, ttlMs: TTL_MS, renewMs: 500, retryMs: 100, now: Date.now, logger },
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

  it('lets a standby in once a silent leader’s fence has closed, by compare-and-set before the entry expires', async () => {
    const log: string[] = [];
    const crashed = campaign('crashed', log);
    await eventually(() => crashed.leading);
    // A crash: renewals stop without a release (stop() would delete the key).
    (crashed as unknown as { stopped: boolean }).stopped = true;
    const standbyLog = recordingLogger();
    const standby = campaign('standby', log, standbyLog);
    let crashedCouldAct: boolean | null = null;
    await eventually(
      () => {
        if (!standby.leading) return false;
        crashedCouldAct = crashed.canAct();
        return true;
      },
      { timeoutMs: TTL_MS * 3, intervalMs: 5 },
    );
    // never two leaders acting at once: the silent one's fence closed first
    expect(crashedCouldAct).toBe(false);
    // by compare-and-set on the entry it saw, not after the server expired the entry
    const said = standbyLog.entries.map((entry) => entry.message);
    expect(said).toContain('the orchestrator lease was not renewed in time: taken over');
    expect(said).not.toContain('the lease it saw had expired; creating it anew');
    expect(JSON.parse(new TextDecoder().decode((await bucket.get('orchestrator'))!.value))).toMatchObject({ holder: 'standby' });
    await standby.stop();
  });
});
