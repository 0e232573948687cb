/**
 * What a reader does with a published event it cannot know: one of a type added by a newer
 * Roost, or of a newer major schema version. Readers skip such events (counting them); the
 * orchestrator, which writes ROLLOUT_EVENTS, refuses to lead over them (docs/events.md).
 */
export interface UnreadableEvent {
  readonly reason: 'unknown_type' | 'newer_schema';
  readonly eventType: string;
  readonly schemaVersion: number | null;
}

/**
 * Looks at a parsed message's `type` and `schemaVersion` only: null when this reader knows
 * both (the body is still to be checked), else why a newer Roost's event is not for it. A
 * message without a string `type` is left to the full check, which names what is wrong.
 */
export function unreadableEvent(raw: unknown, knownTypes: ReadonlySet<string>, readsVersion: number): UnreadableEvent | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { type, schemaVersion } = raw as { type?: unknown; schemaVersion?: unknown };
  if (typeof type !== 'string') return null;
  const version = typeof schemaVersion === 'number' && Number.isInteger(schemaVersion) ? schemaVersion : null;
  if (!knownTypes.has(type)) return { reason: 'unknown_type', eventType: type, schemaVersion: version };
  if (version !== null && version > readsVersion) return { reason: 'newer_schema', eventType: type, schemaVersion: version };
  return null;
}

/** Raised by an event contract's decode for an event a newer Roost wrote; skip it, do not retry it. */
export class UnreadableEventError extends Error {
  readonly code = 'event.unreadable';
  constructor(
    readonly contract: string,
    readonly unreadable: UnreadableEvent,
  ) {
    super(
      unreadable.reason === 'unknown_type'
        ? `${contract}: type ${JSON.stringify(unreadable.eventType)} is not one this version of Roost knows`
        : `${contract}: ${unreadable.eventType} has schema version ${unreadable.schemaVersion}, newer than this version of Roost reads`,
    );
    this.name = 'UnreadableEventError';
  }
}
