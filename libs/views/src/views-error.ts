export type ViewsErrorCode = 'views.undecodable_event' | 'views.unsupported_schema';

/** Raised for a stream message the projections cannot read; the projector skips it and counts it. */
export class ViewsError extends Error {
  constructor(
    readonly code: ViewsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ViewsError';
  }
}
