import { fleetEventContract, STREAMS, subjects, type FleetEvent } from '@roost/contracts';
import type { EventConsumer, EventStore, Logger, StoredEvent } from '@roost/ports';
import type { FleetView } from './fleet-view';

export interface FleetFeed {
  /** Stream sequence of the last fleet event applied. */
  readonly position: number;
  stop(): Promise<void>;
}

/**
 * Keeps the fleet view up to date from FLEET_EVENTS without asking agents to re-report: first
 * a bulk replay of the stream (a snapshot read), then an ordered consumer from the next
 * sequence. Every process reads the whole stream for itself (leader and standby alike), so the
 * consumer is ephemeral. `onApplied` sees live events only, after the view took them.
 */
export async function startFleetFeed(
  events: EventStore,
  view: FleetView,
  logger: Logger,
  onApplied: (event: FleetEvent) => void,
): Promise<FleetFeed> {
  let position = 0;
  const decode = (stored: StoredEvent): FleetEvent | null => {
    try {
      return fleetEventContract.decode(stored.data);
    } catch (error) {
      logger.warn({ subject: stored.subject, sequence: stored.sequence, err: String(error) }, 'skipped a fleet event that breaks its contract');
      return null;
    }
  };
  const started = Date.now();
  for (const stored of await events.read(subjects.fleetAll)) {
    const event = decode(stored);
    if (event !== null) view.apply(event);
    position = stored.sequence;
  }
  logger.info({ agents: view.size, position, ms: Date.now() - started }, 'fleet view rebuilt from FLEET_EVENTS');
  const consumer: EventConsumer = await events.consume({ stream: STREAMS.fleetEvents.name, fromSequence: position + 1 }, async (stored) => {
    if (stored.sequence <= position) return;
    position = stored.sequence;
    const event = decode(stored);
    if (event !== null && view.apply(event)) onApplied(event);
  });
  return {
    get position() {
      return position;
    },
    stop: () => consumer.stop(),
  };
}
