/**
 * The one table from error codes (the admin API's own, the orchestrator's, the rollout
 * engine's and config validation's) to the status each transport answers with. `field` names
 * the request field a domain refusal is about, so a 400 always says where.
 */

/** gRPC status names, as `@grpc/grpc-js`'s `status` enum spells them. */
export type GrpcStatusName =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'UNIMPLEMENTED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface TransportStatus {
  readonly http: number;
  readonly grpc: GrpcStatusName;
  readonly field?: string;
}

const invalid = (field?: string): TransportStatus => (field === undefined ? { http: 400, grpc: 'INVALID_ARGUMENT' } : { http: 400, grpc: 'INVALID_ARGUMENT', field });
const notFound: TransportStatus = { http: 404, grpc: 'NOT_FOUND' };
const conflict: TransportStatus = { http: 409, grpc: 'FAILED_PRECONDITION' };
const unavailable: TransportStatus = { http: 503, grpc: 'UNAVAILABLE' };
const internal: TransportStatus = { http: 500, grpc: 'INTERNAL' };

export const ERROR_STATUSES = {
  // the admin API's own
  'request.invalid': invalid(),
  'request.malformed_json': invalid('(body)'),
  'request.too_large': { http: 413, grpc: 'RESOURCE_EXHAUSTED' },
  'request.over_budget': { http: 503, grpc: 'RESOURCE_EXHAUSTED' },
  'request.unsupported_media_type': { http: 415, grpc: 'INVALID_ARGUMENT' },
  'route.not_found': notFound,
  'method.not_allowed': { http: 405, grpc: 'UNIMPLEMENTED' },
  'auth.missing_token': { http: 401, grpc: 'UNAUTHENTICATED' },
  'auth.invalid_token': { http: 401, grpc: 'UNAUTHENTICATED' },
  'auth.forbidden': { http: 403, grpc: 'PERMISSION_DENIED' },
  'agent.not_found': notFound,
  'agent.no_effective_config': notFound,
  'group.not_found': notFound,
  'views.not_ready': unavailable,
  'admin.internal': internal,
  // the orchestrator's
  'command.invalid': invalid(),
  'command.unknown_verb': internal,
  'config.invalid': invalid('yaml'),
  'config.not_found': notFound,
  'config.invalid_ref': invalid(),
  'target.invalid_selector': invalid('target.selector'),
  'rollout.not_found': notFound,
  'enrolment.not_found': notFound,
  'enrolment.not_active': conflict,
  'enrolment.scope_mismatch': invalid('agentId'),
  'orchestrator.not_leader': unavailable,
  'orchestrator.unavailable': unavailable,
  'orchestrator.internal': internal,
  // the rollout engine's
  'rollout.invalid_id': invalid('rolloutId'),
  'rollout.already_exists': { http: 409, grpc: 'ALREADY_EXISTS' },
  'config.missing_hash': invalid('configVersion'),
  'baseline.same_as_config': invalid('baselineConfigHash'),
  'plan.empty': invalid('plan'),
  'plan.invalid_phase': invalid('plan'),
  'plan.not_increasing': invalid('plan'),
  'plan.not_ending_at_100': invalid('plan'),
  'plan.negative_window': invalid('plan'),
  'plan.invalid_min_canary': invalid('minCanaryAgents'),
  'threshold.out_of_range': invalid('threshold'),
  'gate.min_outcome_ratio_out_of_range': invalid('minOutcomeRatio'),
  'gate.invalid_expression': invalid('gates'),
  'gate.unknown_metric': invalid('gates'),
  'gate.invalid_data_requirement': invalid('gates'),
  'timing.out_of_range': invalid('timing'),
  'target.invalid': invalid('target'),
  'target.overlaps_active_rollout': conflict,
  'target.no_eligible_agents': { http: 422, grpc: 'FAILED_PRECONDITION' },
  'transition.illegal': conflict,
  'undo.rollout_active': conflict,
  'undo.nothing_touched': { http: 422, grpc: 'FAILED_PRECONDITION' },
  'components.missing': { http: 422, grpc: 'FAILED_PRECONDITION' },
} as const satisfies Record<string, TransportStatus>;

export type KnownErrorCode = keyof typeof ERROR_STATUSES;

/** A code nobody listed is a bug somewhere: it answers 500 so it gets noticed, never a 2xx. */
export function statusOf(code: string): TransportStatus {
  return Object.prototype.hasOwnProperty.call(ERROR_STATUSES, code) ? ERROR_STATUSES[code as KnownErrorCode] : internal;
}

export function isKnownErrorCode(code: string): code is KnownErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_STATUSES, code);
}
