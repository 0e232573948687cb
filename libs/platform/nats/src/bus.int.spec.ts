import { describeMessageBusContract } from '@roost/testing';
import { createNatsMessageBus } from './nats-message-bus';
import { NatsTestBed } from './nats-test-fixture';

let bed: NatsTestBed;
beforeAll(async () => (bed = await NatsTestBed.start()));
afterAll(async () => bed.stop());

describeMessageBusContract('NATS core', async () => {
  const [a, b] = await Promise.all([bed.connect('bus-a'), bed.connect('bus-b')]);
  return {
    bus: createNatsMessageBus(a.nc),
    peer: createNatsMessageBus(b.nc),
    close: () => bed.closeClients(),
  };
});
