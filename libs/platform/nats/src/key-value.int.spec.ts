import { jetstreamManager } from '@nats-io/jetstream';
import { describeKeyValueContract, eventually, sleep } from '@roost/testing';
import { ALL_BUCKETS, BUCKETS } from '@roost/contracts';
import { kvStreamName } from './ensure-topology';
import { createNatsKeyValueBuckets } from './nats-key-value';
import { NatsTestBed } from './nats-test-fixture';

const ttlBucket = { name: 'contract-ttl', ttlMs: 2_000, history: 1, replicas: 1 };

let bed: NatsTestBed;
beforeAll(async () => (bed = await NatsTestBed.start()));
afterAll(async () => bed.stop());

describeKeyValueContract('NATS KV', async () => {
  const client = await bed.reset([ttlBucket]);
  return {
    buckets: createNatsKeyValueBuckets(client.nc, { buckets: [...ALL_BUCKETS, ttlBucket] }),
    ttlBucket,
    elapse: sleep,
    close: () => bed.closeClients(),
  };
});

describe('NATS KV watch when the server drops its consumer', () => {
  it('recreates the consumer and goes on from the next revision, nothing lost or repeated', async () => {
    const client = await bed.reset([]);
    const bucket = await createNatsKeyValueBuckets(client.nc).open(BUCKETS.gateways.name);
    const seen: string[] = [];
    const watch = await bucket.watch((entry) => void seen.push(new TextDecoder().decode(entry.value)));
    try {
      await bucket.put('gw-1', new TextEncoder().encode('one'));
      await eventually(() => seen.length === 1);
      // What a lost node or a server restart does to an ephemeral consumer.
      const jsm = await jetstreamManager(client.nc);
      const stream = kvStreamName(BUCKETS.gateways.name);
      for await (const consumer of jsm.consumers.list(stream)) await jsm.consumers.delete(stream, consumer.name);
      await bucket.put('gw-1', new TextEncoder().encode('two'));
      await bucket.put('gw-2', new TextEncoder().encode('three'));
      await eventually(() => seen.length === 3, { timeoutMs: 10_000, what: 'the entries written after the loss' });
      expect(seen).toEqual(['one', 'two', 'three']);
    } finally {
      watch.unsubscribe();
      await bed.closeClients();
    }
  });
});
