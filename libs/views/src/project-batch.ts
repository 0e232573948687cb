import type { ViewWrite } from '@roost/ports';
import { compactWrites } from './compact-writes';
import type { FragmentCache, FragmentRef } from './fragments';
import type { StreamProjection } from './stream-projections';

/** Every fragment the events of a batch will read, in order of first need. */
export function batchReads<E>(projection: StreamProjection<E>, events: readonly E[]): FragmentRef[] {
  return events.flatMap((event) => [...projection.reads(event)]);
}

/**
 * The writes of several consecutive events as one batch. `cache` must hold every fragment
 * `batchReads` named; each event sees the writes of the events before it, so the batch writes
 * exactly what the events would write applied one by one (compacted: see compactWrites).
 */
export function projectBatch<E>(projection: StreamProjection<E>, events: readonly E[], cache: FragmentCache): ViewWrite[] {
  const writes: ViewWrite[] = [];
  for (const event of events) {
    const own = projection.project(event, cache, cache);
    cache.absorb(own);
    for (const write of own) writes.push(write);
  }
  for (const write of cache.takeJsonWrites()) writes.push(write);
  return compactWrites(writes);
}
