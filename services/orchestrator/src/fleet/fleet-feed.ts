import { fleetEventContract, STREAMS, subjects, UnreadableEventError, type FleetEvent } from '@roost/contracts';
import type { EventConsumer, EventStore, FollowCondition, Logger, StoredEvent } from '@roost/ports';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { FleetView } from './fleet-view';

export interface FleetFeed {
  /** Stream sequence of the last fleet event applied. */
  readonly position: number;
  /**
   * True when the view holds every fleet event stored up to `freshnessMs` ago: the stream's end
   * was read no longer ago than that and the view has applied up to it, and the reader is not
   * known to be lost. Rollout gates and deadlines are judged only while this holds.
   */
  caughtUp(): boolean;
  status(): FleetFeedStatus;
  stop(): Promise<void>;
}

export interface FleetFeedStatus {
  readonly caughtUp: boolean;
  /** False from a lost FLEET_EVENTS reader until it reads again. */
  readonly reading: boolean;
  readonly position: number;
  /** The stream's end as last read, and when (ms since the epoch; 0 when never read). */
  readonly streamEnd: number;
  readonly streamEndReadAt: number;
  /** Times the reader was lost since start. */
  readonly losses: number;
}

export interface FleetFeedOptions {
  /** How often the stream's end is read. */
  readonly lagCheckMs: number;
  /** How old the newest fleet event the view may lack can be while it counts as caught up. */
  readonly freshnessMs: number;
  readonly logger: Logger;
  readonly now: () => number;
  /** Where `roost_fleet_feed_losses_total` and `roost_fleet_view_caught_up` are registered. */
  readonly metrics: Registry;
}

/**
 * Keeps the fleet view up to date from FLEET_EVENTS without asking agents to re-report: one
 * follower reads the stream from its start, handing over whatever arrived in batches, so the
 * replay on start and a burst of thousands of reports are read the same way, at stream speed;
 * start resolves once the history (the stream as it stood at start) is applied. Every process reads the whole stream for itself (leader and standby alike),
 * so nothing is kept on the server; when the server drops the reader (a stall past its
 * inactivity threshold, a restart) it is recreated after the last event received. A loss is
 * logged as a warning, counted, and makes `caughtUp()` false until the view has caught up again.
 * `onApplied` sees the events after the replay, once the view took them, in stream order.
 */
export async function startFleetFeed(events: EventStore, view: FleetView, options: FleetFeedOptions, onApplied: (event: FleetEvent) => void): Promise<FleetFeed> {
  const { logger, now } = options;
  const metrics = feedMetrics(options.metrics);
  let position = 0;
  let stopped = false;
  let reading = true;
  let losses = 0;
  let streamEnd = 0;
  let streamEndReadAt = 0;
  /** When the view last held everything stored as of then (the read of the stream's end it reached). */
  let freshAsOf = 0;

  const started = now();
  streamEndReadAt = started;
  streamEnd = await events.lastSequence(STREAMS.fleetEvents.name);
  // Events up to here are the history replayed on start: applied, not passed to `onApplied`.
  // The last one is never removed before older ones; when it is gone, so is the whole history.
  const history = streamEnd > 0 && (await events.read(subjects.fleetAll, { fromSequence: streamEnd })).length > 0 ? streamEnd : 0;
  let replaying = true;
  let replayed!: () => void;
  const replay = new Promise<void>((resolve) => (replayed = resolve));

  /** Kinds and versions of a newer Roost already logged: each once, every event counted. */
  const unreadableLogged = new Set<string>();
  const skip = (stored: StoredEvent, error: unknown): void => {
    const fields = { subject: stored.subject, sequence: stored.sequence, err: String(error) };
    if (!(error instanceof UnreadableEventError)) {
      metrics.skipped.inc({ reason: 'broken' });
      logger.warn(fields, 'skipped a fleet event that breaks its contract');
      return;
    }
    const { reason, eventType, schemaVersion } = error.unreadable;
    metrics.skipped.inc({ reason });
    const key = `${reason} ${eventType} ${schemaVersion}`;
    if (unreadableLogged.has(key)) return;
    unreadableLogged.add(key);
    logger.warn(fields, 'skipping fleet events of a newer Roost (logged once per kind; counted in roost_fleet_events_skipped_total)');
  };

  const apply = (batch: readonly StoredEvent[]): void => {
    for (const stored of batch) {
      if (stored.sequence <= position) continue;
      position = stored.sequence;
      let event: FleetEvent;
      try {
        event = fleetEventContract.decode(stored.data);
      } catch (error) {
        skip(stored, error);
        continue;
      }
      if (view.apply(event) && stored.sequence > history) onApplied(event);
    }
    if (position >= streamEnd) freshAsOf = Math.max(freshAsOf, streamEndReadAt);
    if (replaying && position >= history) {
      replaying = false;
      replayed();
    }
  };

  const condition = (change: FollowCondition): void => {
    switch (change.kind) {
      case 'lost':
        reading = false;
        losses += 1;
        metrics.losses.inc();
        logger.warn({ position, reason: change.reason }, 'fleet feed lost: the view misses new fleet events and rollout decisions wait until it has caught up');
        return;
      case 'recovered':
        reading = true;
        logger.warn({ position }, 'fleet feed reads again; rollout decisions resume once the view has caught up');
        return;
    }
  };
  const consumer: EventConsumer = await events.follow({ stream: STREAMS.fleetEvents.name, onCondition: condition }, async (batch) => apply(batch));
  if (history === 0) apply([]);
  await replay;
  logger.info({ agents: view.size, position, ms: now() - started }, 'fleet view rebuilt from FLEET_EVENTS');

  const caughtUp = (): boolean => reading && now() - freshAsOf <= options.freshnessMs;
  let checking = false;
  let wasCaughtUp = true;
  const checkEnd = async (): Promise<void> => {
    if (checking || stopped) return;
    checking = true;
    try {
      const readAt = now();
      const end = await events.lastSequence(STREAMS.fleetEvents.name);
      streamEnd = end;
      streamEndReadAt = readAt;
      if (position >= end) freshAsOf = Math.max(freshAsOf, readAt);
    } catch (error) {
      logger.warn({ position, err: String(error) }, 'could not read the end of FLEET_EVENTS; the fleet view counts as behind until it can');
    } finally {
      checking = false;
    }
    const fresh = caughtUp();
    metrics.caughtUp.set(fresh ? 1 : 0);
    if (fresh !== wasCaughtUp) {
      if (fresh) logger.info({ position, streamEnd }, 'fleet view caught up with FLEET_EVENTS');
      else logger.warn({ position, streamEnd, behindMs: now() - freshAsOf }, 'fleet view behind FLEET_EVENTS; rollout gates and deadlines wait');
      wasCaughtUp = fresh;
    }
  };
  await checkEnd();
  const timer = setInterval(() => void checkEnd(), options.lagCheckMs);
  timer.unref();

  return {
    get position() {
      return position;
    },
    caughtUp,
    status: () => ({ caughtUp: caughtUp(), reading, position, streamEnd, streamEndReadAt, losses }),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await consumer.stop();
    },
  };
}

function feedMetrics(registry: Registry): { losses: Counter; caughtUp: Gauge; skipped: Counter<'reason'> } {
  const existing = registry.getSingleMetric('roost_fleet_feed_losses_total');
  if (existing !== undefined) {
    return {
      losses: existing as Counter,
      caughtUp: registry.getSingleMetric('roost_fleet_view_caught_up') as Gauge,
      skipped: registry.getSingleMetric('roost_fleet_events_skipped_total') as Counter<'reason'>,
    };
  }
  return {
    skipped: new Counter({
      name: 'roost_fleet_events_skipped_total',
      help: 'Fleet events the view passed over (reason: unknown_type or newer_schema, from a newer Roost; broken)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    losses: new Counter({ name: 'roost_fleet_feed_losses_total', help: 'Times the FLEET_EVENTS reader was lost (and recreated from the last event received)', registers: [registry] }),
    caughtUp: new Gauge({ name: 'roost_fleet_view_caught_up', help: '1 while the fleet view holds every fleet event stored up to the freshness bound ago, else 0', registers: [registry] }),
  };
}
