/**
 * Calls `work` for every item in slices of at most `maxItems` items and about `sliceMs`
 * milliseconds, yielding to the event loop (setImmediate) between slices, so that a fan-out to
 * many agents never blocks I/O for long, however slow each socket write happens to be.
 * An exception from `work` is passed to `onError` and does not stop the others.
 */
export async function runInSlices<T>(
  items: readonly T[],
  slice: { readonly maxItems: number; readonly sliceMs: number },
  work: (item: T) => void,
  onError: (item: T, error: unknown) => void,
): Promise<void> {
  let index = 0;
  while (index < items.length) {
    if (index > 0) await yieldToEventLoop();
    const start = performance.now();
    const end = Math.min(items.length, index + slice.maxItems);
    while (index < end) {
      const item = items[index++] as T;
      try {
        work(item);
      } catch (error) {
        onError(item, error);
      }
      if (performance.now() - start >= slice.sliceMs) break;
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
