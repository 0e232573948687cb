import { ROLLOUT_EVENT_SCHEMA_VERSION, ROLLOUT_EVENT_TYPES, type RolloutEvent } from '@roost/rollout';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const KNOWN_TYPES = new Set<string>(ROLLOUT_EVENT_TYPES);

/** One rollout event per stream message, as JSON (documented in docs/events.md). */
export function encodeRolloutEvent(event: RolloutEvent): Uint8Array {
  return encoder.encode(JSON.stringify(event));
}

/** Decodes a stored rollout event; throws when the message is not one this version understands. */
export function decodeRolloutEvent(data: Uint8Array): RolloutEvent {
  const value = JSON.parse(decoder.decode(data)) as Partial<RolloutEvent> | null;
  if (value === null || typeof value !== 'object' || typeof value.type !== 'string' || !KNOWN_TYPES.has(value.type)) {
    throw new Error(`not a rollout event this orchestrator knows (type ${String(value?.type)})`);
  }
  if (value.schemaVersion !== ROLLOUT_EVENT_SCHEMA_VERSION) throw new Error(`rollout event ${String(value.id)} has schema version ${String(value.schemaVersion)}, expected ${ROLLOUT_EVENT_SCHEMA_VERSION}`);
  return value as RolloutEvent;
}
