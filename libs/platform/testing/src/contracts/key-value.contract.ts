import { BUCKETS } from '@roost/contracts';
import { KvConflictError, PortError, type KeyValueBuckets, type KeyValueStore, type KvEntry } from '@roost/ports';
import { eventually, sleep } from '../eventually';

export interface KeyValueFixture {
  /** Buckets on an empty backend: the declared topology plus `ttlBucket`. */
  readonly buckets: KeyValueBuckets;
  /** An extra declared bucket whose entries expire `ttlMs` after their last write. */
  readonly ttlBucket: { readonly name: string; readonly ttlMs: number };
  /** Lets `ms` pass as far as expiry is concerned (a real wait, or a test clock moved on). */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);
/** The value under `key` as text, or null. */
const valueOf = async (store: KeyValueStore, key: string): Promise<string | null> => {
  const entry = await store.get(key);
  return entry ? str(entry.value) : null;
};
const QUIET_MS = 150;

/** The KeyValueStore contract; each test gets a fresh fixture. */
export function describeKeyValueContract(name: string, setup: () => Promise<KeyValueFixture>): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let fx: KeyValueFixture;
    let kv: KeyValueStore;
    beforeEach(async () => {
      fx = await setup();
      kv = await fx.buckets.open(BUCKETS.configs.name);
    });
    afterEach(async () => fx.close());

    it('stores a value under a key and reads it back with its revision', async () => {
      const revision = await kv.put('cfg.abc', text('v1'));
      const entry = await kv.get('cfg.abc');
      expect(entry).toMatchObject({ bucket: BUCKETS.configs.name, key: 'cfg.abc', revision, operation: 'PUT' });
      expect(await valueOf(kv, 'cfg.abc')).toBe('v1');
      expect(await kv.get('cfg.missing')).toBeNull();
    });

    it('raises revisions strictly across the keys of a bucket', async () => {
      const revisions = [await kv.put('a', text('1')), await kv.put('b', text('2')), await kv.put('a', text('3'))];
      expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
      expect(new Set(revisions).size).toBe(3);
    });

    it('creates a key only when it holds no value, deleted keys included', async () => {
      await kv.create('lease', text('me'));
      const error = await kv.create('lease', text('you')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KvConflictError);
      expect(error).toMatchObject({ code: 'kv_conflict', bucket: BUCKETS.configs.name, key: 'lease' });
      expect(await valueOf(kv, 'lease')).toBe('me');
      await kv.delete('lease');
      await kv.create('lease', text('you'));
      expect(await valueOf(kv, 'lease')).toBe('you');
    });

    it('updates only from the latest revision', async () => {
      const r1 = await kv.put('k', text('1'));
      const r2 = await kv.update('k', text('2'), r1);
      expect(r2).toBeGreaterThan(r1);
      const error = await kv.update('k', text('stale'), r1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KvConflictError);
      expect(await valueOf(kv, 'k')).toBe('2');
    });

    it('lets exactly one of several racing updates from the same revision win', async () => {
      const base = await kv.put('race', text('0'));
      const results = await Promise.allSettled([1, 2, 3, 4].map((i) => kv.update('race', text(String(i)), base)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected.every((r) => r.reason instanceof KvConflictError)).toBe(true);
    });

    it('forgets deleted keys and lists the live ones', async () => {
      await kv.put('x.1', text('1'));
      await kv.put('x.2', text('2'));
      await kv.put('y', text('3'));
      await kv.delete('x.2');
      expect(await kv.get('x.2')).toBeNull();
      expect((await kv.keys()).sort()).toEqual(['x.1', 'y']);
    });

    it('watches changes in revision order, deletes included', async () => {
      await kv.put('before', text('old'));
      const seen: KvEntry[] = [];
      const sub = await kv.watch((e) => seen.push(e));
      await kv.put('w', text('1'));
      await kv.put('w', text('2'));
      await kv.delete('w');
      await eventually(() => seen.length === 3);
      sub.unsubscribe();
      expect(seen.map((e) => [e.key, e.operation, e.operation === 'PUT' ? str(e.value) : ''])).toEqual([
        ['w', 'PUT', '1'],
        ['w', 'PUT', '2'],
        ['w', 'DEL', ''],
      ]);
      expect(new Set(seen.map((e) => e.revision)).size).toBe(3);
      expect(seen.map((e) => e.revision)).toEqual(seen.map((e) => e.revision).sort((a, b) => a - b));
    });

    it('replays current values first when asked, then goes on with changes', async () => {
      await kv.put('a', text('a1'));
      await kv.put('b', text('b1'));
      await kv.put('a', text('a2'));
      await kv.put('gone', text('x'));
      await kv.delete('gone');
      const seen: KvEntry[] = [];
      const sub = await kv.watch((e) => seen.push(e), { includeInitial: true });
      expect(seen.map((e) => [e.key, str(e.value)]).sort()).toEqual([['a', 'a2'], ['b', 'b1']]);
      await kv.put('c', text('c1'));
      await eventually(() => seen.length === 3);
      sub.unsubscribe();
      expect(seen[2]).toMatchObject({ key: 'c', operation: 'PUT' });
    });

    it('watches one key or a key pattern only', async () => {
      const one: string[] = [];
      const pattern: string[] = [];
      const subs = [
        await kv.watch((e) => one.push(e.key), { key: 'agent.1' }),
        await kv.watch((e) => pattern.push(e.key), { key: 'agent.*' }),
      ];
      await kv.put('agent.1', text('x'));
      await kv.put('agent.2', text('x'));
      await kv.put('other', text('x'));
      await eventually(() => pattern.length === 2);
      await sleep(QUIET_MS);
      subs.forEach((s) => s.unsubscribe());
      expect(one).toEqual(['agent.1']);
      expect(pattern).toEqual(['agent.1', 'agent.2']);
    });

    it('stops a watch on unsubscribe', async () => {
      const seen: string[] = [];
      const sub = await kv.watch((e) => seen.push(e.key));
      await kv.put('k1', text('x'));
      await eventually(() => seen.length === 1);
      sub.unsubscribe();
      await kv.put('k2', text('x'));
      await sleep(QUIET_MS);
      expect(seen).toEqual(['k1']);
    });

    it('rejects keys that are not dot-separated subject tokens with invalid_argument', async () => {
      for (const key of ['has space', 'a..b', 'a.*', '.lead', 'trail.', '']) {
        const error = await kv.put(key, text('x')).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'invalid_argument' });
      }
      expect(await kv.keys()).toEqual([]);
    });

    it('rejects buckets outside the topology with unknown_bucket', async () => {
      const error = await fx.buckets.open('no-such-bucket').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortError);
      expect((error as PortError).code).toBe('unknown_bucket');
    });

    it('expires entries of a TTL bucket after the TTL, and a rewrite restarts the clock', async () => {
      const ttl = await fx.buckets.open(fx.ttlBucket.name);
      const { ttlMs } = fx.ttlBucket;
      await ttl.put('short', text('x'));
      await ttl.put('renewed', text('x'));
      await fx.elapse(ttlMs * 0.5);
      await ttl.put('renewed', text('y'));
      expect(await ttl.get('short')).not.toBeNull();
      await fx.elapse(ttlMs * 0.6);
      // `renewed` lives until 1.5 x TTL: the expiry of `short` must show before that.
      await eventually(async () => (await ttl.get('short')) === null, { timeoutMs: ttlMs * 0.3, what: 'expiry of short' });
      expect(await valueOf(ttl, 'renewed')).toBe('y');
      expect(await ttl.keys()).toEqual(['renewed']);
    });
  });
}
