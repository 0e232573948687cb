import { describeKeyValueContract, sleep } from '@roost/testing';
import { ALL_BUCKETS } from '@roost/contracts';
import { createNatsKeyValueBuckets } from './nats-key-value';
import { NatsTestBed } from './nats-test-fixture';

const ttlBucket = { name: 'contract-ttl', ttlMs: 2_000, history: 1 };

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
