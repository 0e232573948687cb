import { CONSUMERS, fleetEventContract, STREAMS, subjects, type FleetEvent } from '@roost/contracts';
import type { ViewWrite } from '@roost/ports';
import { ROLLOUT_EVENT_SCHEMA_VERSION, ROLLOUT_EVENT_TYPES, type RolloutEvent } from '@roost/rollout';
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

const decoder = new TextDecoder('utf-8');
const KNOWN_TYPES: ReadonlySet<string> = new Set(ROLLOUT_EVENT_TYPES);

/** Rollout events as the orchestrator appends them (JSON); checks the envelope, trusts the body. */
export function decodeRolloutEvent(data: Uint8Array): RolloutEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(data));
  } catch {
    throw new ViewsError('views.undecodable_event', 'rollout event is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw new ViewsError('views.undecodable_event', 'rollout event is not an object');
  const event = raw as Record<string, unknown>;
  if (typeof event.type !== 'string' || !KNOWN_TYPES.has(event.type)) {
    throw new ViewsError('views.undecodable_event', `unknown rollout event type ${JSON.stringify(event.type)}`);
  }
  if (event.schemaVersion !== ROLLOUT_EVENT_SCHEMA_VERSION) {
    throw new ViewsError('views.unsupported_schema', `rollout event schema version ${JSON.stringify(event.schemaVersion)}; this projector reads ${ROLLOUT_EVENT_SCHEMA_VERSION}`);
  }
  if (typeof event.id !== 'string' || typeof event.rolloutId !== 'string' || typeof event.at !== 'number') {
    throw new ViewsError('views.undecodable_event', 'rollout event lacks id, rolloutId or at');
  }
  return raw as RolloutEvent;
}

export function decodeFleetEvent(data: Uint8Array): FleetEvent {
  try {
    return fleetEventContract.decode(data);
  } catch (error) {
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
