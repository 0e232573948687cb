import type { Clock } from '@roost/ports';

/** A clock that only moves when told to: tests advance it to expire KV entries or dedup ids. */
export class ManualClock implements Clock {
  constructor(private current: number = Date.UTC(2025, 0, 1)) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a clock does not go backwards');
    this.current += ms;
  }
}

export const systemClock: Clock = { now: () => Date.now() };
