import { subjects, type FleetEvent } from '@roost/contracts';
import { EVENT_SOURCES, publishedEventHeaders } from '@roost/event-catalog';
import type { EventStore, Logger } from '@roost/ports';
import type { GatewayMetrics } from './gateway-metrics';

export interface FleetPublisher {
  /** Appends an event without waiting; failures are retried with the same message id, then logged. */
  publish(event: FleetEvent): void;
  /** Resolves once every append issued so far has settled. */
  drain(): Promise<void>;
}

const RETRY_DELAYS_MS = [100, 500, 2_000];

/** Small events are cut from Node's shared buffer pool instead of each getting a buffer of its own. */
const pooledUtf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/**
 * Appends fleet events to FLEET_EVENTS in the order they are issued (one connection keeps
 * publish order). A failed append is retried with the same message id (the stream drops a
 * duplicate), unless a later event for the same agent was appended meanwhile: every event
 * carries a complete snapshot, so the later one supersedes it.
 */
export function createFleetPublisher(events: EventStore, metrics: GatewayMetrics, logger: Logger): FleetPublisher {
  const pending = new Set<Promise<void>>();
  /** Per agent, the `at`/order of the latest event appended successfully (only while retries run). */
  const latestIssued = new Map<string, number>();
  let order = 0;

  const attempt = async (event: FleetEvent, data: Uint8Array, issued: number): Promise<void> => {
    const subject = subjects.fleetAgentEvent(event.agentId, event.type);
    const headers = publishedEventHeaders('fleet', event, EVENT_SOURCES.gateway(event.snapshot.gatewayId));
    for (let round = 0; ; round++) {
      try {
        await events.append(subject, data, { messageId: event.id, headers });
        metrics.fleetEvents.inc({ kind: event.type });
        return;
      } catch (error) {
        const delay = RETRY_DELAYS_MS[round];
        if (delay === undefined || (latestIssued.get(event.agentId) ?? 0) > issued) {
          metrics.fleetEventFailures.inc();
          logger.error({ agentId: event.agentId, kind: event.type, eventId: event.id, err: String(error) }, 'fleet event not appended');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  };

  return {
    publish(event) {
      const issued = ++order;
      latestIssued.set(event.agentId, issued);
      const task = attempt(event, pooledUtf8(JSON.stringify(event)), issued).finally(() => {
        pending.delete(task);
        if (latestIssued.get(event.agentId) === issued) latestIssued.delete(event.agentId);
      });
      pending.add(task);
    },
    async drain() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
