import { CONSUMERS, fleetEventContract, STREAMS, subjects, UnreadableEventError, type FleetEvent } from '@roost/contracts';
import type { ViewWrite } from '@roost/ports';
import { decodeRolloutEvent as decodeRollout, RolloutEventDecodeError, type RolloutEvent } from '@roost/rollout';
import { fleetEventReads, projectFleetEvent } from './fleet-projection';
import type { FragmentReader, FragmentRef, JsonRecordSink } from './fragments';
import { projectRolloutEvent, rolloutEventReads } from './rollout-projection';
import { checkpointKey } from './view-keys';
import { ViewsError } from './views-error';

/**
 * How one stream becomes views: which durable consumer reads it, where its checkpoint lives,
 * how a message decodes, what each event reads and what it writes. The projector service is a
 * generic loop over these.
 */
export interface StreamProjection<E> {
  readonly name: string;
  readonly stream: string;
  readonly filterSubject: string;
  readonly durable: string;
  readonly checkpointKey: string;
  /** Throws ViewsError for a message no projection can read. */
  decode(data: Uint8Array): E;
  reads(event: E): readonly FragmentRef[];
  /** With a sink, JSON records may go there instead of into the writes. */
  project(event: E, fragments: FragmentReader, records?: JsonRecordSink): ViewWrite[];
}

const ROLLOUT_DECODE_CODES = {
  undecodable: 'views.undecodable_event',
  unknown_type: 'views.unknown_event_type',
  unsupported_schema: 'views.unsupported_schema',
} as const satisfies Record<RolloutEventDecodeError['reason'], ViewsError['code']>;

/** Rollout events as the orchestrator appends them; throws ViewsError for what cannot be read. */
export function decodeRolloutEvent(data: Uint8Array): RolloutEvent {
  try {
    return decodeRollout(data);
  } catch (error) {
    if (!(error instanceof RolloutEventDecodeError)) throw error;
    throw new ViewsError(ROLLOUT_DECODE_CODES[error.reason], error.message, error.eventType);
  }
}

export function decodeFleetEvent(data: Uint8Array): FleetEvent {
  try {
    return fleetEventContract.decode(data);
  } catch (error) {
    if (error instanceof UnreadableEventError) {
      const code = error.unreadable.reason === 'unknown_type' ? 'views.unknown_event_type' : 'views.unsupported_schema';
      throw new ViewsError(code, error.message, error.unreadable.eventType);
    }
    throw new ViewsError('views.undecodable_event', error instanceof Error ? error.message : String(error));
  }
}

export const rolloutProjection: StreamProjection<RolloutEvent> = {
  name: 'rollouts',
  stream: STREAMS.rolloutEvents.name,
  filterSubject: subjects.rolloutEventsAll,
  durable: CONSUMERS.projectorRollouts,
  checkpointKey: checkpointKey(STREAMS.rolloutEvents.name),
  decode: decodeRolloutEvent,
  reads: rolloutEventReads,
  project: projectRolloutEvent,
};

export const fleetProjection: StreamProjection<FleetEvent> = {
  name: 'fleet',
  stream: STREAMS.fleetEvents.name,
  filterSubject: subjects.fleetAll,
  durable: CONSUMERS.projectorFleet,
  checkpointKey: checkpointKey(STREAMS.fleetEvents.name),
  decode: decodeFleetEvent,
  reads: fleetEventReads,
  project: projectFleetEvent,
};
