/**
 * A first-in first-out queue drained in time slices. Node reads every ready socket in one
 * poll phase, so a burst (10k agents answering a pushed config at once) would otherwise be
 * handled in one go and hold the event loop for its whole length. Here each drain turn runs
 * for `sliceMs` and then yields (setImmediate), so timers and other I/O keep running; order is
 * kept. While a backlog lasts, a turn runs for as long as the event loop was away since the last
 * one (up to `maxSliceMs`): the poll phase reads whatever arrived meanwhile, and when reading
 * takes longer than a slice, fixed slices would leave handling a shrinking share of the process's
 * time (with little CPU to share, reading everything offered could take all of it).
 * Each item weighs `weightOf(item)` (bytes, say; 1 when not given): above
 * `highWater` queued weight the producer is told to stop reading (`onPause`), and at or below
 * `lowWater` to read again (`onResume`).
 */
export interface InboundQueueOptions<T> {
  readonly sliceMs: number;
  /** The longest turn, while a backlog lasts; `sliceMs` when not given. */
  readonly maxSliceMs?: number;
  readonly highWater: number;
  readonly lowWater: number;
  /** Read when an item is pushed and again when it is handled: an item changed in place is reweighed with `reweighed`. */
  readonly weightOf?: (item: T) => number;
  readonly onPause: () => void;
  readonly onResume: () => void;
  readonly onError: (item: T, error: unknown) => void;
  readonly now?: () => number;
}


export class InboundQueue<T> {
  private items: T[] = [];
  private head = 0;
  private scheduled = false;
  private paused = false;
  private queuedWeight = 0;
  /** When the last turn ended with items left; null when it emptied the queue. */
  private backlogTurnEnded: number | null = null;
  private readonly now: () => number;
  private readonly weightOf: (item: T) => number;

  constructor(
    private readonly handle: (item: T) => void,
    private readonly options: InboundQueueOptions<T>,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.weightOf = options.weightOf ?? (() => 1);
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** What the queued items weigh together. */
  get weight(): number {
    return this.queuedWeight;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Resolves once everything queued so far has been handled. */
  async idle(): Promise<void> {
    while (this.length > 0) await new Promise((resolve) => setImmediate(resolve));
  }

  push(item: T): void {
    this.items.push(item);
    this.reweighed(this.weightOf(item));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  }

  /** A queued item changed in place and weighs `delta` more (or less) than before. */
  reweighed(delta: number): void {
    this.queuedWeight += delta;
    if (!this.paused && this.queuedWeight >= this.options.highWater) {
      this.paused = true;
      this.options.onPause();
    }
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const start = this.now();
    const away = this.backlogTurnEnded === null ? 0 : start - this.backlogTurnEnded;
    const sliceMs = Math.min(this.options.maxSliceMs ?? this.options.sliceMs, Math.max(this.options.sliceMs, away));
    while (this.head < this.items.length) {
      const item = this.items[this.head] as T;
      this.items[this.head++] = undefined as T;
      this.queuedWeight -= this.weightOf(item);
      try {
        this.handle(item);
      } catch (error) {
        this.options.onError(item, error);
      }
      // The clock is read after every item: reading it costs well under a microsecond, an item
      // (a config report with its events) up to a hundred, and a coarser check overran slices.
      if (this.now() - start >= sliceMs) break;
    }
    this.backlogTurnEnded = this.head < this.items.length ? this.now() : null;
    if (this.head >= this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.paused && this.queuedWeight <= this.options.lowWater) {
      this.paused = false;
      this.options.onResume();
    }
    if (this.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  };
}
