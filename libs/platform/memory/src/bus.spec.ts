import { describeMessageBusContract } from '@roost/testing';
import { createMemoryMessageBus } from './memory-message-bus';

describeMessageBusContract('in-memory', async () => {
  const bus = createMemoryMessageBus();
  return { bus, peer: bus, close: async () => undefined };
});
