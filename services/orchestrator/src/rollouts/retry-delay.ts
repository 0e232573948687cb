/** Waits between attempts at work the event store or KV refused (resync, desired repair). */
const BACKOFF_MS = [250, 1_000, 3_000, 10_000];

/** The wait before retry number `attempt` (0-based): growing, then 10 s for as long as it takes. */
export function retryDelayMs(attempt: number): number {
  return BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] as number;
}
