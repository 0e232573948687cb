/**
 * The admin API's one error table covers every code the rollout engine and the orchestrator
 * can answer with; the records below stop compiling when either adds a code.
 */
import { ERROR_STATUSES, statusOf } from '@roost/admin-api';
import type { OrchestratorErrorCode } from '@roost/orchestrator';
import type { RolloutErrorCode } from '@roost/rollout';

const ENGINE: Readonly<Record<RolloutErrorCode, number>> = {
  'rollout.invalid_id': 400,
  'rollout.already_exists': 409,
  'rollout.not_found': 404,
  'config.missing_hash': 400,
  'baseline.same_as_config': 400,
  'plan.empty': 400,
  'plan.invalid_phase': 400,
  'plan.not_increasing': 400,
  'plan.not_ending_at_100': 400,
  'plan.negative_window': 400,
  'plan.invalid_min_canary': 400,
  'threshold.out_of_range': 400,
  'gate.min_outcome_ratio_out_of_range': 400,
  'gate.invalid_expression': 400,
  'gate.unknown_metric': 400,
  'gate.invalid_data_requirement': 400,
  'timing.out_of_range': 400,
  'target.invalid': 400,
  'target.overlaps_active_rollout': 409,
  'target.no_eligible_agents': 422,
  'transition.illegal': 409,
  'undo.rollout_active': 409,
  'undo.nothing_touched': 422,
  'components.missing': 422,
};

const ORCHESTRATOR: Readonly<Record<OrchestratorErrorCode, number>> = {
  'command.invalid': 400,
  'command.unknown_verb': 500,
  'config.invalid': 400,
  'config.not_found': 404,
  'config.invalid_ref': 400,
  'target.invalid_selector': 400,
  'rollout.not_found': 404,
  'enrolment.not_found': 404,
  'enrolment.not_active': 409,
  'enrolment.scope_mismatch': 400,
  'orchestrator.not_leader': 503,
  'orchestrator.unavailable': 503,
  'orchestrator.internal': 500,
};

describe('error table', () => {
  it.each(Object.entries({ ...ENGINE, ...ORCHESTRATOR }))('maps %s to HTTP %i', (code, http) => {
    expect(Object.keys(ERROR_STATUSES)).toContain(code);
    expect(statusOf(code).http).toBe(http);
  });

  it('maps 409 and 422 refusals to FAILED_PRECONDITION or ALREADY_EXISTS, and 4xx input errors to INVALID_ARGUMENT', () => {
    for (const status of Object.values(ERROR_STATUSES)) {
      if (status.http === 400) expect(status.grpc).toBe('INVALID_ARGUMENT');
      if (status.http === 404) expect(status.grpc).toBe('NOT_FOUND');
      if (status.http === 409 || status.http === 422) expect(['FAILED_PRECONDITION', 'ALREADY_EXISTS']).toContain(status.grpc);
    }
  });

  it('answers 500 for a code nobody listed', () => {
    expect(statusOf('something.new')).toEqual({ http: 500, grpc: 'INTERNAL' });
  });
});
