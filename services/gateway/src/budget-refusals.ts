import type { Logger } from '@roost/ports';
import type { GatewayMetrics } from './gateway-metrics';
import type { MemoryBudget } from './memory-budget';

/** How often refusals are logged at most (each log says how many of each kind since the last). */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Counts every refusal (roost_gateway_refused_total{reason}) and logs them once per interval:
 * a flood of hostile connections must not become a flood of log lines.
 */
export function createRefusalReporter(
  metrics: GatewayMetrics,
  logger: Logger,
  budget: MemoryBudget,
  now: () => number,
): (transport: 'websocket' | 'http', reason: string) => void {
  const since = new Map<string, number>();
  let lastLog = -Infinity;
  return (transport, reason) => {
    metrics.refusedConnections.inc({ reason });
    const key = `${transport} ${reason}`;
    since.set(key, (since.get(key) ?? 0) + 1);
    const at = now();
    if (at - lastLog < REFUSAL_LOG_INTERVAL_MS) return;
    lastLog = at;
    const refused = Object.fromEntries(since);
    since.clear();
    logger.warn(
      { refused, heldBytes: budget.used, budgetBytes: budget.limits.totalBytes, preAuthHeldBytes: budget.preAuthUsed, preAuthBudgetBytes: budget.limits.preAuthBytes },
      'refusing messages over the memory budget or from connections too slow (counts since the last such log)',
    );
  };
}
