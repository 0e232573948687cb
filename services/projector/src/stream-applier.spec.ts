import { createMemoryEventStore, createMemoryViewStore } from '@roost/platform-memory';
import { silentLogger, type EventStore, type StoredEvent, type ViewStore } from '@roost/ports';
import { rolloutProjection } from '@roost/views';
import { createProjectorMetrics } from './projector-metrics';
import { StreamApplier } from './stream-applier';
import { appendRolloutEvents, simulateProduction } from './testing/rollout-streams';

const BATCH = 4;

/** Every key of the views with what it holds, to compare two stores whole. */
async function dump(views: ViewStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  // Whichever read fits the key's type answers; the others refuse it.
  const reads = [(key: string) => views.get(key), (key: string) => views.hgetall(key), (key: string) => views.zrange(key), (key: string) => views.smembers(key)];
  for (const key of await views.scanKeys('roost:')) {
    for (const read of reads) {
      const value = await read(key).catch(() => undefined);
      if (value !== undefined) {
        out[key] = value;
        break;
      }
    }
  }
  return out;
}

const applier = (views: ViewStore, events: EventStore) => new StreamApplier(rolloutProjection, views, events, createProjectorMetrics(), silentLogger, BATCH);

describe('StreamApplier', () => {
  let events: EventStore;
  let stored: StoredEvent[];

  beforeEach(async () => {
    events = createMemoryEventStore();
    await appendRolloutEvents(events, simulateProduction('r1', { size: 60, failing: (i) => i % 7 === 0 }).events);
    stored = await events.read(rolloutProjection.filterSubject);
  });

  it('writes batch after batch what one event at a time would', async () => {
    const batched = createMemoryViewStore();
    await applier(batched, events).apply(stored);
    const single = createMemoryViewStore();
    const oneByOne = new StreamApplier(rolloutProjection, single, events, createProjectorMetrics(), silentLogger, 1);
    await oneByOne.apply(stored);
    expect(stored.length).toBeGreaterThan(BATCH * 3);
    expect(await dump(batched)).toEqual(await dump(single));
  });

  it('ends, behind another writer, with the views one writer alone writes, and knows how far they go', async () => {
    const alone = createMemoryViewStore();
    await applier(alone, events).apply(stored);

    // Another writer stored the first batch; this one, not knowing, starts from the beginning.
    const shared = createMemoryViewStore();
    await applier(shared, events).apply(stored.slice(0, BATCH));
    const late = applier(shared, events);
    await late.apply(stored);

    expect(late.applied).toBe(stored.at(-1)?.sequence);
    expect(await dump(shared)).toEqual(await dump(alone));
  });

  it('writes, handed the stream a few events at a time as a follower does, what one event at a time would', async () => {
    const pieces = createMemoryViewStore();
    const follower = applier(pieces, events);
    for (let i = 0; i < stored.length; i += 3) await follower.apply(stored.slice(i, i + 3));
    const single = createMemoryViewStore();
    await new StreamApplier(rolloutProjection, single, events, createProjectorMetrics(), silentLogger, 1).apply(stored);
    expect(await dump(pieces)).toEqual(await dump(single));
  });

  it('forgets what it held after a write that failed, and ends with the views one writer alone writes', async () => {
    const alone = createMemoryViewStore();
    await applier(alone, events).apply(stored);

    const flaky = createMemoryViewStore();
    let failNext = false;
    const failing: ViewStore = Object.assign(Object.create(flaky) as ViewStore, {
      applyOnce: (key: string, sequence: number, writes: Parameters<ViewStore['applyOnce']>[2]) => {
        if (!failNext) return flaky.applyOnce(key, sequence, writes);
        failNext = false;
        return Promise.reject(new Error('connection lost'));
      },
    });
    const retried = applier(failing, events);
    const half = Math.floor(stored.length / 2);
    await retried.apply(stored.slice(0, half));
    failNext = true;
    await expect(retried.apply(stored.slice(half))).rejects.toThrow('connection lost');
    await retried.apply(stored.slice(half));

    expect(retried.applied).toBe(stored.at(-1)?.sequence);
    expect(await dump(flaky)).toEqual(await dump(alone));
  });
});
