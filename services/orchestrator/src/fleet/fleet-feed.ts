import { fleetEventContract, STREAMS, subjects, type FleetEvent } from '@roost/contracts';
import type { EventConsumer, EventStore, Logger, StoredEvent } from '@roost/ports';
import type { FleetView } from './fleet-view';

export interface FleetFeed {
  /** Stream sequence of the last fleet event applied. */
  readonly position: number;
  stop(): Promise<void>;
}

export interface FleetFeedOptions {
  /** How often the distance to the stream's end is checked. */
  readonly lagCheckMs: number;
  /** Behind by more than this many events, the feed reads the rest in bulk. */
  readonly catchUpLag: number;
  readonly logger: Logger;
  readonly now: () => number;
}

/**
 * Keeps the fleet view up to date from FLEET_EVENTS without asking agents to re-report: a bulk
 * replay of the stream first, then an ordered consumer from the next sequence. The consumer
 * hands over one event per round trip, so when the view falls behind by more than `catchUpLag`
 * events (a burst: thousands of agents reporting at once) the rest is read in bulk and applied
 * at once; the consumer then passes over what was already applied. Every process reads the
 * whole stream for itself (leader and standby alike), so the consumer is ephemeral.
 * `onApplied` sees the events after the replay, once the view took them, in stream order.
 */
export async function startFleetFeed(events: EventStore, view: FleetView, options: FleetFeedOptions, onApplied: (event: FleetEvent) => void): Promise<FleetFeed> {
  const { logger } = options;
  let position = 0;
  let stopped = false;
  /** Applications run one after the other, so the view only moves forward. */
  let queue: Promise<void> = Promise.resolve();
  const serial = (work: () => Promise<void> | void): Promise<void> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  const apply = (batch: readonly StoredEvent[], live: boolean): void => {
    for (const stored of batch) {
      if (stored.sequence <= position) continue;
      position = stored.sequence;
      let event: FleetEvent;
      try {
        event = fleetEventContract.decode(stored.data);
      } catch (error) {
        logger.warn({ subject: stored.subject, sequence: stored.sequence, err: String(error) }, 'skipped a fleet event that breaks its contract');
        continue;
      }
      if (view.apply(event) && live) onApplied(event);
    }
  };

  const started = options.now();
  apply(await events.read(subjects.fleetAll), false);
  logger.info({ agents: view.size, position, ms: options.now() - started }, 'fleet view rebuilt from FLEET_EVENTS');

  const consumer: EventConsumer = await events.consume({ stream: STREAMS.fleetEvents.name, fromSequence: position + 1 }, (stored) => serial(() => apply([stored], true)));

  let catchingUp = false;
  const checkLag = async (): Promise<void> => {
    if (catchingUp || stopped) return;
    catchingUp = true;
    try {
      const end = await events.lastSequence(STREAMS.fleetEvents.name);
      if (end - position > options.catchUpLag) {
        const from = position;
        await serial(async () => apply(await events.read(subjects.fleetAll, { fromSequence: position + 1 }), true));
        logger.debug({ from, to: position }, 'fleet view caught up in bulk');
      }
    } catch (error) {
      logger.warn({ position, err: String(error) }, 'could not check how far the fleet view is behind; the consumer goes on');
    } finally {
      catchingUp = false;
    }
  };
  const timer = setInterval(() => void checkLag(), options.lagCheckMs);
  timer.unref();

  return {
    get position() {
      return position;
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await consumer.stop();
      await queue;
    },
  };
}
