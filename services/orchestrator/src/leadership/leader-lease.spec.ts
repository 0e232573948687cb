import { BUCKETS } from '@roost/contracts';
import { createMemoryKeyValueBuckets } from '@roost/platform-memory';
import { KvConflictError, PortError, silentLogger, type KeyValueStore } from '@roost/ports';
import { eventually, sleep } from '@roost/testing';
import { LeaderLease, type LeaseCallbacks, type LeaseOptions } from './leader-lease';

/** A lease on the `orchestrator` key with test timings (a 3 s TTL); `options` changes any of them. */
function testLease(bucket: KeyValueStore, holder: string, callbacks: Partial<LeaseCallbacks>, options: Partial<LeaseOptions> = {}): LeaderLease {
  return new LeaderLease(
    bucket,
    { key: 'orchestrator', holder, ttlMs: 3_000, renewMs: 500, retryMs: 100, now: Date.now, logger: silentLogger, ...options },
    { elected: async () => undefined, deposed: () => undefined, ...callbacks },
  );
}

/** The bucket, with some of its writes replaced (the rest, reads and watches, go to it unchanged). */
function withWrites(bucket: KeyValueStore, writes: Partial<Pick<KeyValueStore, 'put' | 'create' | 'update'>>): KeyValueStore {
  return {
    bucket: bucket.bucket,
    get: (key) => bucket.get(key),
    put: writes.put ?? ((key, value) => bucket.put(key, value)),
    create: writes.create ?? ((key, value) => bucket.create(key, value)),
    update: writes.update ?? ((key, value, revision) => bucket.update(key, value, revision)),
    delete: (key) => bucket.delete(key),
    keys: () => bucket.keys(),
    watch: (handler, options) => bucket.watch(handler, options),
  };
}

/**
 * A bucket that checks a compare-and-set before it applies the write, not as part of it, as a
 * clustered nats-server does (nats-server#4320): a second write checked while the first is in
 * flight passes too, so two campaigns in the same instant are both told they won.
 */
function unserialisedCompareAndSet(bucket: KeyValueStore): KeyValueStore {
  const checked = async (key: string, expected: number | null): Promise<void> => {
    const current = (await bucket.get(key))?.revision ?? null;
    if (current !== expected) throw new KvConflictError(bucket.bucket, key);
    await sleep(20);
  };
  return withWrites(bucket, {
    create: async (key, value) => (await checked(key, null), bucket.put(key, value)),
    update: async (key, value, revision) => (await checked(key, revision), bucket.put(key, value)),
  });
}

describe('leader lease when the server lets two compare-and-sets win at once', () => {
  it('lets exactly one of two simultaneous winners lead, the one whose write the bucket kept', async () => {
    const bucket = unserialisedCompareAndSet(await createMemoryKeyValueBuckets().open(BUCKETS.leases.name));
    const elected: string[] = [];
    const leases = ['one', 'two'].map((holder) => testLease(bucket, holder, { elected: async () => void elected.push(holder) }));
    let both = 0;
    const sampler = setInterval(() => {
      if (leases.every((lease) => lease.canAct())) both++;
    }, 5);
    try {
      leases.forEach((lease) => lease.start());
      await eventually(() => elected.length > 0, { timeoutMs: 3_000 });
      await sleep(1_500);
      const holder = JSON.parse(new TextDecoder().decode((await bucket.get('orchestrator'))!.value)) as { holder: string };
      expect(elected).toEqual([holder.holder]);
      expect(leases.filter((lease) => lease.leading)).toHaveLength(1);
      expect(both).toBe(0);
    } finally {
      clearInterval(sampler);
      await Promise.all(leases.map((lease) => lease.stop()));
    }
  });
});

/**
 * Worse, as seen on a 3-node cluster after a frozen node thawed: when two compare-and-sets pass
 * at once, neither write can be confirmed afterwards (a compare-and-set on either revision fails).
 */
function raceSpoilsBothWrites(bucket: KeyValueStore): KeyValueStore {
  const spoiled = new Set<number>();
  let inFlight: { raced: boolean } | null = null;
  const compareAndSet = async (key: string, value: Uint8Array, expected: number | null): Promise<number> => {
    if (expected !== null && spoiled.has(expected)) throw new KvConflictError(bucket.bucket, key);
    if (((await bucket.get(key))?.revision ?? null) !== expected) throw new KvConflictError(bucket.bucket, key);
    const write = { raced: inFlight !== null };
    if (inFlight !== null) inFlight.raced = true;
    inFlight = write;
    await sleep(20);
    if (inFlight === write) inFlight = null;
    const revision = await bucket.put(key, value);
    if (write.raced) spoiled.add(revision);
    return revision;
  };
  return withWrites(bucket, { create: (key, value) => compareAndSet(key, value, null), update: (key, value, revision) => compareAndSet(key, value, revision) });
}

describe('leader lease when standbys campaign in the same instant', () => {
  it('spreads the standbys apart, so one leads though a race spoils both writes', async () => {
    const memory = await createMemoryKeyValueBuckets().open(BUCKETS.leases.name);
    const bucket = raceSpoilsBothWrites(memory);
    // A leader that stopped renewing: both standbys see its entry at the same moment.
    await memory.create('orchestrator', new TextEncoder().encode(JSON.stringify({ holder: 'frozen', acquiredAt: Date.now(), renewedAt: Date.now() })));
    const elected: string[] = [];
    const leases = [
      ['one', 0.1],
      ['two', 0.9],
    ].map(
      ([holder, share]) =>
        testLease(bucket, holder as string, { elected: async () => void elected.push(holder as string) }, { retryMs: 400, random: () => share as number }),
    );
    try {
      leases.forEach((lease) => lease.start());
      await eventually(() => elected.length > 0, { timeoutMs: 10_000, what: 'one standby to lead' });
      await sleep(1_000);
      expect(elected).toEqual(['one']);
      expect(leases.map((lease) => lease.leading)).toEqual([true, false]);
    } finally {
      await Promise.all(leases.map((lease) => lease.stop()));
    }
  });
});

describe('leader lease when the server answers a write with the wrong revision', () => {
  it('confirms and renews on the revision the entry was stored at', async () => {
    const memory = await createMemoryKeyValueBuckets().open(BUCKETS.leases.name);
    // Every write is stored, but answered one revision too high (as after a stream leader change).
    const off = async (write: Promise<number>): Promise<number> => (await write) + 1;
    const bucket = withWrites(memory, {
      put: (key, value) => off(memory.put(key, value)),
      create: (key, value) => off(memory.create(key, value)),
      update: (key, value, revision) => off(memory.update(key, value, revision)),
    });
    const deposed: string[] = [];
    const lease = testLease(bucket, 'one', { deposed: (reason) => void deposed.push(reason) }, { renewMs: 200 });
    try {
      lease.start();
      await eventually(() => lease.leading, { timeoutMs: 3_000, what: 'the lease to be confirmed' });
      const leadingSince = (await memory.get('orchestrator'))!.revision;
      await sleep(1_000);
      expect(deposed).toEqual([]);
      expect(lease.canAct()).toBe(true);
      expect((await memory.get('orchestrator'))!.revision).toBeGreaterThan(leadingSince + 2);
    } finally {
      await lease.stop();
    }
  });
});

describe('leader lease when the answer to a renewal is lost', () => {
  it('keeps leading when the renewal landed all the same, instead of reading its own write as a rival', async () => {
    const memory = await createMemoryKeyValueBuckets().open(BUCKETS.leases.name);
    let loseNextAnswer = false;
    // The write is applied, but the caller hears a timeout (a stream leader change on a cluster).
    const bucket = withWrites(memory, {
      update: async (key, value, revision) => {
        const written = await memory.update(key, value, revision);
        if (!loseNextAnswer) return written;
        loseNextAnswer = false;
        throw new PortError('unavailable', 'kv leases orchestrator: timed out');
      },
    });
    const deposed: string[] = [];
    const lease = testLease(bucket, 'one', { deposed: (reason) => void deposed.push(reason) }, { renewMs: 200 });
    try {
      lease.start();
      await eventually(() => lease.leading, { timeoutMs: 3_000 });
      loseNextAnswer = true;
      await eventually(() => !loseNextAnswer, { timeoutMs: 3_000 });
      await sleep(1_000);
      expect(deposed).toEqual([]);
      expect(lease.canAct()).toBe(true);
    } finally {
      await lease.stop();
    }
  });
});
