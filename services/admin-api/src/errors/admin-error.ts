/**
 * A refusal with a stable code, raised anywhere in the admin API (or relayed from the
 * orchestrator, whose codes pass through as they are) and mapped to HTTP and gRPC statuses once,
 * at the edge, by ERROR_STATUSES.
 */
export class AdminError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'AdminError';
  }

  toJSON(): { code: string; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** One problem with a request's input: where (dotted path, `(body)` for the whole) and why. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export function invalidRequest(issues: readonly FieldIssue[]): AdminError {
  const [first] = issues;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const message = first === undefined ? 'the request is invalid' : `${first.path}: ${first.message}${more}`;
  return new AdminError('request.invalid', message, { issues });
}
