export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** 0..1: the delay is spread over [delay * (1 - jitter), delay]. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 10_000, jitter: 0.2 };

/**
 * Delay before reconnect attempt `attempt` (1-based): doubling from `initialMs`, capped at
 * `maxMs`, lowered by up to `jitter` so that many clients do not reconnect in lockstep.
 * `random` is a number in [0, 1).
 */
export function reconnectDelayMs(attempt: number, policy: BackoffPolicy, random: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const base = Math.min(policy.initialMs * 2 ** exponent, policy.maxMs);
  return Math.round(base * (1 - policy.jitter * random));
}
