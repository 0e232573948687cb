import type { Logger } from '@roost/ports';
import { Gauge, type Registry } from 'prom-client';

/** A rollout whose history holds an event this version cannot know (the first such event). */
export interface UnreadableRollout {
  readonly rolloutId: string;
  readonly sequence: number;
  readonly reason: 'unknown_type' | 'unsupported_schema';
  readonly eventType: string | null;
  readonly schemaVersion: number | null;
}

/**
 * ROLLOUT_EVENTS holds events a newer Roost wrote. The orchestrator is the writer and its decide
 * is exhaustive over the types it knows: replaying a history with one it does not know would
 * decide from a wrong state, so it refuses to lead instead.
 */
export class UnreadableHistoryError extends Error {
  constructor(readonly rollouts: readonly UnreadableRollout[]) {
    const shown = rollouts.slice(0, 5).map(({ rolloutId, sequence, eventType, schemaVersion }) => `${eventType} (schema ${schemaVersion ?? '?'}) at sequence ${sequence} of rollout ${rolloutId}`);
    const more = rollouts.length > shown.length ? ` and ${rollouts.length - shown.length} more rollouts` : '';
    super(`ROLLOUT_EVENTS holds events of a newer Roost that this orchestrator cannot replay: ${shown.join('; ')}${more}`);
    this.name = 'UnreadableHistoryError';
  }
}

/** `roost_orchestrator_refusing_to_lead`, at 0 from the start so a dashboard can alert on it. */
export function refusalGauge(registry: Registry): Gauge {
  const gauge = new Gauge({
    name: 'roost_orchestrator_refusing_to_lead',
    help: '1 when this orchestrator refuses to lead because ROLLOUT_EVENTS holds event types or schema versions of a newer Roost (upgrade it), else 0',
    registers: [registry],
  });
  gauge.set(0);
  return gauge;
}

/**
 * Says, in the log and in the gauge, that this process will not lead, and why; the caller
 * releases the lease so an up-to-date standby takes over at once.
 */
export function refuseToLead(error: UnreadableHistoryError, gauge: Gauge, logger: Logger): void {
  gauge.set(1);
  logger.error(
    { rollouts: error.rollouts.length, first: error.rollouts[0] ?? null },
    `${error.message}. This orchestrator will not lead: upgrade it to the Roost version that wrote them. It has released the lease and stays a standby until restarted.`,
  );
}
