import { BUCKETS, gatewayPresenceContract } from '@roost/contracts';
import { createMemoryKeyValueBuckets } from '@roost/platform-memory';
import { PortError, silentLogger, type KeyValueStore } from '@roost/ports';
import { eventually, sleep } from '@roost/testing';
import { startPresence } from './presence';

/** The memory bucket, with puts refused while `refusing` is set (a stream without a leader). */
async function bucketThatCanRefuse(): Promise<{ bucket: KeyValueStore; puts: number[]; refuse(on: boolean): void }> {
  const memory = await createMemoryKeyValueBuckets().open(BUCKETS.gateways.name);
  const puts: number[] = [];
  let refusing = false;
  const bucket: KeyValueStore = {
    bucket: memory.bucket,
    get: (key) => memory.get(key),
    put: async (key, value) => {
      if (refusing) throw new PortError('unavailable', `kv gateways ${key}: no responders`);
      puts.push(Date.now());
      return memory.put(key, value);
    },
    create: (key, value) => memory.create(key, value),
    update: (key, value, revision) => memory.update(key, value, revision),
    delete: (key) => memory.delete(key),
    keys: () => memory.keys(),
    watch: (handler, options) => memory.watch(handler, options),
  };
  return { bucket, puts, refuse: (on) => void (refusing = on) };
}

describe('gateway presence', () => {
  const options = { gatewayId: 'gw-1', startedAt: 1, endpoint: undefined, now: Date.now, agentCount: () => 3, logger: silentLogger };

  it('refreshes its entry every interval', async () => {
    const { bucket, puts } = await bucketThatCanRefuse();
    const presence = await startPresence(bucket, { ...options, refreshMs: 100 });
    try {
      await sleep(350);
      expect(puts.length).toBeGreaterThanOrEqual(3);
      const entry = gatewayPresenceContract.decode((await bucket.get('gw-1'))!.value);
      expect(entry).toMatchObject({ gatewayId: 'gw-1', agents: 3 });
      expect(presence.healthy).toBe(true);
    } finally {
      await presence.stop();
    }
    expect(await bucket.get('gw-1')).toBeNull();
  });

  it('tries a failed refresh again within a fifth of the interval, not a whole interval later', async () => {
    const { bucket, puts, refuse } = await bucketThatCanRefuse();
    const presence = await startPresence(bucket, { ...options, refreshMs: 1_000 });
    try {
      refuse(true);
      await eventually(() => !presence.healthy, { timeoutMs: 2_000, what: 'a refresh to fail' });
      const failedAt = Date.now();
      refuse(false);
      await eventually(() => presence.healthy, { timeoutMs: 2_000, what: 'the refresh to land again' });
      // The interval is 1 s; the retry comes after 200 ms.
      expect(puts.at(-1)! - failedAt).toBeLessThan(600);
    } finally {
      await presence.stop();
    }
  });
});
