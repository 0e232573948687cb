import { subjects, type FleetEvent } from '@roost/contracts';
import { EVENT_SOURCES, publishedEventHeaders } from '@roost/event-catalog';
import type { EventStore, Logger } from '@roost/ports';
import type { GatewayMetrics } from './gateway-metrics';

export interface FleetPublisher {
  /** Appends an event without waiting; a failed append is retried until it lands or is superseded. */
  publish(event: FleetEvent): void;
  /** Resolves once every append issued so far has settled. */
  drain(): Promise<void>;
  /** Gives up the appends still retrying (each logged and counted), then drains. */
  stop(): Promise<void>;
}

/** Waits between attempts at one event; the last repeats for as long as the stream refuses. */
export const RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/** Small events are cut from Node's shared buffer pool instead of each getting a buffer of its own. */
const pooledUtf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/**
 * Appends fleet events to FLEET_EVENTS in the order they are issued (one connection keeps
 * publish order). A failed append is retried with the same message id (the stream drops a
 * duplicate) until it lands — an agent's report that its config is applied must reach the
 * orchestrator however long the stream is away — unless a later event for the same agent was
 * issued meanwhile: every event carries a complete snapshot, so the later one supersedes it.
 * Only stopping the gateway gives one up. At most one event per agent waits, so what waits is
 * bounded by the agents connected here.
 */
export function createFleetPublisher(events: EventStore, metrics: GatewayMetrics, logger: Logger): FleetPublisher {
  const pending = new Set<Promise<void>>();
  /** Per agent with an append still running, the order of its latest event issued, and how many run. */
  const issuedOf = new Map<string, { latest: number; running: number }>();
  const supersededAt = (agentId: string, issued: number): boolean => (issuedOf.get(agentId)?.latest ?? 0) > issued;
  let order = 0;
  let stopping = false;
  /** Events whose first append failed and that have not landed or been given up yet. */
  let waiting = 0;
  const wakeSleepers = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wakeSleepers.delete(done);
        resolve();
      }
      wakeSleepers.add(done);
    });

  const startWaiting = (error: unknown) => {
    if (waiting++ === 0) logger.warn({ err: String(error) }, 'fleet events cannot be appended; retrying each until it lands (agents stay connected)');
  };
  const stopWaiting = () => {
    if (--waiting === 0) logger.info({}, 'fleet events append again; every waiting event landed or was superseded');
  };

  const attempt = async (event: FleetEvent, data: Uint8Array, issued: number): Promise<void> => {
    const subject = subjects.fleetAgentEvent(event.agentId, event.type);
    const headers = publishedEventHeaders('fleet', event, EVENT_SOURCES.gateway(event.snapshot.gatewayId));
    for (let round = 0; ; round++) {
      try {
        await events.append(subject, data, { messageId: event.id, headers });
        metrics.fleetEvents.inc({ kind: event.type });
        if (round > 0) stopWaiting();
        return;
      } catch (error) {
        if (round === 0) startWaiting(error);
        const superseded = supersededAt(event.agentId, issued);
        if (superseded || stopping) {
          stopWaiting();
          if (superseded) return;
          metrics.fleetEventFailures.inc();
          logger.error({ agentId: event.agentId, kind: event.type, eventId: event.id, err: String(error) }, 'fleet event not appended: the gateway stopped while the stream refused it');
          return;
        }
        await sleep(RETRY_DELAYS_MS[round] ?? RETRY_DELAYS_MS.at(-1) ?? 5_000);
        // Checked again just before the retry goes out: a later event issued while this one
        // waited may have landed already, and this older snapshot must not follow it.
        if (supersededAt(event.agentId, issued)) {
          stopWaiting();
          return;
        }
      }
    }
  };

  const drain = async () => {
    while (pending.size > 0) await Promise.all([...pending]);
  };

  return {
    publish(event) {
      const issued = ++order;
      const agent = issuedOf.get(event.agentId) ?? { latest: 0, running: 0 };
      issuedOf.set(event.agentId, { latest: issued, running: agent.running + 1 });
      const task = attempt(event, pooledUtf8(JSON.stringify(event)), issued).finally(() => {
        pending.delete(task);
        // Kept while any append of the agent runs: an older one waiting to retry must see the later one.
        const now = issuedOf.get(event.agentId);
        if (now !== undefined && now.running > 1) issuedOf.set(event.agentId, { latest: now.latest, running: now.running - 1 });
        else issuedOf.delete(event.agentId);
      });
      pending.add(task);
    },
    drain,
    async stop() {
      stopping = true;
      for (const wake of [...wakeSleepers]) wake();
      await drain();
    },
  };
}
