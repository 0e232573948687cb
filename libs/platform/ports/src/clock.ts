/** Wall-clock time as data: adapters that expire or stamp things read it from here. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}
