import type { CommandError } from '@roost/contracts';

/** Refusals raised by the orchestrator itself (the rollout engine's own codes pass through as they are). */
export type OrchestratorErrorCode =
  | 'command.invalid'
  | 'command.unknown_verb'
  | 'config.invalid'
  | 'config.not_found'
  | 'config.invalid_ref'
  | 'target.invalid_selector'
  | 'rollout.not_found'
  | 'enrolment.not_found'
  | 'enrolment.not_active'
  | 'enrolment.scope_mismatch'
  | 'orchestrator.not_leader'
  | 'orchestrator.unavailable'
  | 'orchestrator.internal';

/** An error with a stable code, mapped once to a command reply at the edge. */
export class OrchestratorError extends Error {
  constructor(
    readonly code: OrchestratorErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'OrchestratorError';
  }

  toCommandError(): CommandError {
    return { code: this.code, message: this.message, details: { ...this.details } };
  }
}
