import { ROLLOUT_EVENT_SCHEMA_VERSION, ROLLOUT_EVENT_TYPES, type RolloutEvent } from './rollout-events';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');
const KNOWN_TYPES: ReadonlySet<string> = new Set(ROLLOUT_EVENT_TYPES);

/** Why a stored message is not a rollout event this version reads. */
export class RolloutEventDecodeError extends Error {
  constructor(
    readonly reason: 'undecodable' | 'unsupported_schema',
    message: string,
  ) {
    super(message);
    this.name = 'RolloutEventDecodeError';
  }
}

/** One rollout event per stream message, as JSON (documented in docs/events.md). */
export function encodeRolloutEvent(event: RolloutEvent): Uint8Array {
  return encoder.encode(JSON.stringify(event));
}

/** Checks the envelope (known type, schema version, id, rollout id, time) and trusts the body. */
export function decodeRolloutEvent(data: Uint8Array): RolloutEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(data));
  } catch {
    throw new RolloutEventDecodeError('undecodable', 'rollout event is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw new RolloutEventDecodeError('undecodable', 'rollout event is not an object');
  const event = raw as Record<string, unknown>;
  if (typeof event.type !== 'string' || !KNOWN_TYPES.has(event.type)) {
    throw new RolloutEventDecodeError('undecodable', `unknown rollout event type ${JSON.stringify(event.type)}`);
  }
  if (event.schemaVersion !== ROLLOUT_EVENT_SCHEMA_VERSION) {
    const version = JSON.stringify(event.schemaVersion);
    throw new RolloutEventDecodeError('unsupported_schema', `rollout event schema version ${version}; this version of Roost reads ${ROLLOUT_EVENT_SCHEMA_VERSION}`);
  }
  if (typeof event.id !== 'string' || typeof event.rolloutId !== 'string' || typeof event.at !== 'number') {
    throw new RolloutEventDecodeError('undecodable', 'rollout event lacks id, rolloutId or at');
  }
  return raw as RolloutEvent;
}
