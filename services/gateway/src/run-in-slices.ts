/**
 * Calls `work` for every item, `sliceSize` items per event-loop turn (yielding with
 * setImmediate in between), so that a fan-out to many agents never blocks I/O for long.
 * An exception from `work` is passed to `onError` and does not stop the others.
 */
export async function runInSlices<T>(
  items: readonly T[],
  sliceSize: number,
  work: (item: T) => void,
  onError: (item: T, error: unknown) => void,
): Promise<void> {
  for (let start = 0; start < items.length; start += sliceSize) {
    if (start > 0) await yieldToEventLoop();
    const end = Math.min(items.length, start + sliceSize);
    for (let i = start; i < end; i++) {
      const item = items[i] as T;
      try {
        work(item);
      } catch (error) {
        onError(item, error);
      }
    }
  }
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Maps `items` through `task` with at most `limit` promises pending at once, keeping order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
