import type { Logger } from '@roost/ports';
import { AdminError } from '../errors/admin-error';
import { statusOf } from '../errors/error-statuses';

export interface ErrorAnswer {
  readonly status: number;
  readonly body: { readonly error: { readonly code: string; readonly message: string; readonly details: Readonly<Record<string, unknown>> } };
}

/**
 * The answer to a failed request: the status from the one mapping table and the error as
 * `{error: {code, message, details}}`. Domain refusals about a request field name it in
 * `details.field` (`plan.2` when the engine names the phase). Anything uncoded is a 500 whose
 * cause goes to the log, not to the caller.
 */
export function errorAnswer(error: unknown, logger: Logger): ErrorAnswer {
  const coded = asAdminError(error, logger);
  const status = statusOf(coded.code);
  const details: Record<string, unknown> = { ...coded.details };
  if (status.field !== undefined && details.field === undefined) {
    details.field = status.field === 'plan' && typeof details.phase === 'number' ? `plan.${details.phase}` : status.field;
  }
  return { status: status.http, body: { error: { code: coded.code, message: coded.message, details } } };
}

export function asAdminError(error: unknown, logger: Logger): AdminError {
  if (error instanceof AdminError) return error;
  logger.error({ err: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 'request failed unexpectedly');
  return new AdminError('admin.internal', 'the admin API failed to answer; the server log has the cause');
}
