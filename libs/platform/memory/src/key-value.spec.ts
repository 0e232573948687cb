import { ALL_BUCKETS } from '@roost/contracts';
import { describeKeyValueContract } from '@roost/testing';
import { ManualClock } from './manual-clock';
import { createMemoryKeyValueBuckets } from './memory-key-value';

const ttlBucket = { name: 'contract-ttl', ttlMs: 2_000, history: 1, replicas: 1 };

describeKeyValueContract('in-memory', async () => {
  const clock = new ManualClock();
  return {
    buckets: createMemoryKeyValueBuckets({ clock, buckets: [...ALL_BUCKETS, ttlBucket] }),
    ttlBucket,
    elapse: async (ms) => clock.advance(ms),
    close: async () => undefined,
  };
});

describe('in-memory key-value store', () => {
  it('expires an entry exactly when the TTL has passed on the injected clock', async () => {
    const clock = new ManualClock();
    const kv = await createMemoryKeyValueBuckets({ clock }).open('leases');
    const revision = await kv.put('leader', new Uint8Array([1]));
    clock.advance(9_999);
    expect((await kv.get('leader'))?.revision).toBe(revision);
    clock.advance(1);
    expect(await kv.get('leader')).toBeNull();
    await kv.create('leader', new Uint8Array([2]));
  });
});
