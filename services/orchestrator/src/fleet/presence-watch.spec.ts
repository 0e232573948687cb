import { BUCKETS, gatewayPresenceContract } from '@roost/contracts';
import { createMemoryKeyValueBuckets } from '@roost/platform-memory';
import { PortError, silentLogger, type KeyValueStore, type KvEntry } from '@roost/ports';
import { sleep } from '@roost/testing';
import { GatewayLiveness } from './gateway-liveness';
import { watchGatewayPresence } from './presence-watch';

const TIMEOUT_MS = 200;
const presence = (gatewayId: string) => gatewayPresenceContract.encode({ gatewayId, startedAt: 1, refreshedAt: Date.now(), agents: 3 });

/** The bucket as the orchestrator sees it when its watch lost its consumer: nothing more arrives. */
function deafWatch(bucket: KeyValueStore, readable: () => boolean): KeyValueStore {
  let heard = true;
  return {
    ...bucket,
    get: async (key) => {
      if (!readable()) throw new PortError('unavailable', 'kv gateways: timed out');
      return bucket.get(key);
    },
    watch: (handler, options) => bucket.watch((entry) => heard && handler(entry), options).then((subscription) => ((heard = false), subscription)),
  };
}

describe('gateway presence, judged while the watch hears nothing', () => {
  it('does not judge a gateway gone while the bucket shows it still refreshing, nor while the bucket cannot be read', async () => {
    const bucket = await createMemoryKeyValueBuckets().open(BUCKETS.gateways.name);
    await bucket.put('gw-1', presence('gw-1'));
    let readable = true;
    const gone: string[] = [];
    const liveness = new GatewayLiveness(TIMEOUT_MS, Date.now);
    const watch = await watchGatewayPresence(deafWatch(bucket, () => readable), liveness, 50, { gone: (id) => void gone.push(id), revived: () => undefined }, silentLogger);
    // The gateway keeps refreshing; only the watch is deaf.
    const refresher = setInterval(() => void bucket.put('gw-1', presence('gw-1')), 50);
    try {
      await sleep(TIMEOUT_MS * 4);
      expect(gone).toEqual([]);
      // Now nothing can be read at all (the orchestrator is the blind one): still nothing judged.
      clearInterval(refresher);
      readable = false;
      await sleep(TIMEOUT_MS * 4);
      expect(gone).toEqual([]);
      // Readable again, and the gateway really silent: it is gone.
      readable = true;
      await sleep(TIMEOUT_MS * 3);
      expect(gone).toEqual(['gw-1']);
    } finally {
      clearInterval(refresher);
      watch.stop();
    }
  });
});

/** The bucket as a thawed process sees it: refreshes queued in its watch arrive while its first read is on its way. */
function queuedWatch(bucket: KeyValueStore): { bucket: KeyValueStore; hold(): void } {
  let holding = false;
  let handler: ((entry: KvEntry) => void) | null = null;
  const held: KvEntry[] = [];
  return {
    hold: () => void (holding = true),
    bucket: {
      ...bucket,
      get: async (key) => {
        holding = false;
        for (const entry of held.splice(0)) handler?.(entry);
        return bucket.get(key);
      },
      watch: (onEntry, options) => {
        handler = onEntry;
        return bucket.watch((entry) => (holding ? void held.push(entry) : onEntry(entry)), options);
      },
    },
  };
}

describe('gateway presence, after a stall', () => {
  it('does not judge a gateway gone whose queued refreshes the watch hears while the sweep reads the bucket', async () => {
    const store = await createMemoryKeyValueBuckets().open(BUCKETS.gateways.name);
    await store.put('gw-1', presence('gw-1'));
    const queued = queuedWatch(store);
    const gone: string[] = [];
    const liveness = new GatewayLiveness(TIMEOUT_MS, Date.now);
    const watch = await watchGatewayPresence(queued.bucket, liveness, 50, { gone: (id) => void gone.push(id), revived: () => undefined }, silentLogger);
    // The process stalls: the gateway's refreshes queue up unheard until the sweep's first read.
    queued.hold();
    const refresher = setInterval(() => void store.put('gw-1', presence('gw-1')), 50);
    try {
      await sleep(TIMEOUT_MS * 3);
      expect(gone).toEqual([]);
    } finally {
      clearInterval(refresher);
      watch.stop();
    }
  });
});
