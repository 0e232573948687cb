import type { EventStore } from '@roost/ports';
import { describeEventStoreContract } from '@roost/testing';
import { createNatsEventStore } from './nats-event-store';
import { trackConsumers } from './nats-platform';
import { NatsTestBed } from './nats-test-fixture';

let bed: NatsTestBed;
beforeAll(async () => (bed = await NatsTestBed.start()));
afterAll(async () => bed.stop());

describeEventStoreContract('NATS JetStream', async () => {
  const client = await bed.reset();
  const tracked: Array<ReturnType<typeof trackConsumers>> = [];
  const open = async (nc = client.nc): Promise<EventStore> => {
    const t = trackConsumers(await createNatsEventStore(nc, { redeliveryDelayMs: 100 }));
    tracked.push(t);
    return t.store;
  };
  return {
    store: await open(),
    reopen: async () => open((await bed.connect('event-store-reopened')).nc),
    close: async () => {
      await Promise.all(tracked.map((t) => t.stopAll()));
      await bed.closeClients();
    },
  };
});
