/** How one engine behind the ports is doing, for readiness probes and logs. */
export interface ComponentHealth {
  /** e.g. `nats`, `redis`, `memory`. */
  readonly component: string;
  readonly healthy: boolean;
  /** Human-readable state, e.g. `connected`, `reconnecting (attempt 3)`. */
  readonly detail: string;
}
