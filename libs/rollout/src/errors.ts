/**
 * Every refusal of the rollout engine, as a value with a stable code. The edge (admin API,
 * orchestrator replies) maps codes to transport statuses; the message is for people.
 */
export type RolloutErrorCode =
  | 'rollout.invalid_id'
  | 'rollout.already_exists'
  | 'rollout.not_found'
  | 'config.missing_hash'
  | 'baseline.same_as_config'
  | 'plan.empty'
  | 'plan.invalid_phase'
  | 'plan.not_increasing'
  | 'plan.not_ending_at_100'
  | 'plan.negative_window'
  | 'plan.invalid_min_canary'
  | 'threshold.out_of_range'
  | 'gate.min_outcome_ratio_out_of_range'
  | 'gate.invalid_expression'
  | 'gate.unknown_metric'
  | 'gate.invalid_data_requirement'
  | 'timing.out_of_range'
  | 'target.invalid'
  | 'target.overlaps_active_rollout'
  | 'target.no_eligible_agents'
  | 'transition.illegal'
  | 'undo.rollout_active'
  | 'undo.nothing_touched'
  | 'components.missing';

export type ErrorDetail = string | number | boolean | null | readonly string[] | Readonly<Record<string, number>>;

export interface RolloutError {
  readonly code: RolloutErrorCode;
  readonly message: string;
  /** Machine-readable facts behind the message (JSON-serialisable). */
  readonly details: Readonly<Record<string, ErrorDetail>>;
}

export function rolloutError(code: RolloutErrorCode, message: string, details: Readonly<Record<string, ErrorDetail>> = {}): RolloutError {
  return { code, message, details };
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: RolloutError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(error: RolloutError): Result<T> => ({ ok: false, error });
