/**
 * `views.unknown_event_type` and `views.unsupported_schema`: an event of a newer Roost (a type,
 * or a major schema version, this one does not know); `views.undecodable_event`: a broken one.
 */
export type ViewsErrorCode = 'views.undecodable_event' | 'views.unknown_event_type' | 'views.unsupported_schema';

/** Raised for a stream message the projections cannot read; the projector skips it and counts it. */
export class ViewsError extends Error {
  constructor(
    readonly code: ViewsErrorCode,
    message: string,
    /** The event's type when it has one (unknown types are logged once per type). */
    readonly eventType: string | null = null,
  ) {
    super(message);
    this.name = 'ViewsError';
  }
}
