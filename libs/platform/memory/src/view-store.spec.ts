import { describeViewStoreContract } from '@roost/testing';
import { createMemoryViewStore } from './memory-view-store';

describeViewStoreContract('in-memory', async () => {
  const views = createMemoryViewStore();
  return { views, close: () => views.close() };
});
