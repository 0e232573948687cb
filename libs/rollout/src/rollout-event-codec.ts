import { firstIssue, unreadableEvent } from '@roost/contracts';
import { ROLLOUT_EVENT_SCHEMAS } from './rollout-event-schemas';
import { ROLLOUT_EVENT_SCHEMA_VERSION, type RolloutEvent } from './rollout-events';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');
const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.keys(ROLLOUT_EVENT_SCHEMAS));
const SCHEMAS: ReadonlyMap<string, (typeof ROLLOUT_EVENT_SCHEMAS)[keyof typeof ROLLOUT_EVENT_SCHEMAS]> = new Map(Object.entries(ROLLOUT_EVENT_SCHEMAS));

/**
 * Why a stored message is not a rollout event this version reads: `unknown_type` and
 * `unsupported_schema` come from a newer Roost (a reader skips them, the writer refuses to lead),
 * `undecodable` from a message that breaks the contract.
 */
export type RolloutEventDecodeReason = 'undecodable' | 'unknown_type' | 'unsupported_schema';

export class RolloutEventDecodeError extends Error {
  constructor(
    readonly reason: RolloutEventDecodeReason,
    message: string,
    /** The message's `type`, when it has a string one. */
    readonly eventType: string | null = null,
    /** The message's `schemaVersion`, when it has an integer one. */
    readonly schemaVersion: number | null = null,
  ) {
    super(message);
    this.name = 'RolloutEventDecodeError';
  }
}

/** One rollout event per stream message, as JSON (documented in docs/events.md). */
export function encodeRolloutEvent(event: RolloutEvent): Uint8Array {
  return encoder.encode(JSON.stringify(event));
}

/**
 * Checks the type and schema version first (a newer Roost's event is told apart from a broken
 * one), then the whole event against its type's schema, naming the first field that is wrong.
 * Fields this version does not know are dropped.
 */
export function decodeRolloutEvent(data: Uint8Array): RolloutEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(data));
  } catch {
    throw new RolloutEventDecodeError('undecodable', 'rollout event is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new RolloutEventDecodeError('undecodable', 'rollout event is not an object');
  const unreadable = unreadableEvent(raw, KNOWN_TYPES, ROLLOUT_EVENT_SCHEMA_VERSION);
  if (unreadable?.reason === 'unknown_type') {
    throw new RolloutEventDecodeError('unknown_type', `rollout event type ${JSON.stringify(unreadable.eventType)} is not one this version of Roost knows`, unreadable.eventType, unreadable.schemaVersion);
  }
  if (unreadable?.reason === 'newer_schema') {
    const { eventType, schemaVersion } = unreadable;
    throw new RolloutEventDecodeError('unsupported_schema', `rollout event ${eventType} has schema version ${schemaVersion}; this version of Roost reads ${ROLLOUT_EVENT_SCHEMA_VERSION}`, eventType, schemaVersion);
  }
  const type = (raw as { type?: unknown }).type;
  const schema = typeof type === 'string' ? SCHEMAS.get(type) : undefined;
  if (schema === undefined) throw new RolloutEventDecodeError('undecodable', 'rollout event has no type');
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new RolloutEventDecodeError('undecodable', `rollout event ${type}: ${firstIssue(parsed.error)}`, String(type));
  return parsed.data as RolloutEvent;
}
