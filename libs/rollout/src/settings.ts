import type { Target } from '@roost/fleet';
import { fail, ok, rolloutError, type Result } from './errors';
import type { DisconnectedPolicy, FailurePolicy, StartRollout } from './inputs';
import { dataPlaneSettingsFrom, type DataPlaneSettings } from './data-plane-gates';
import { DEFAULT_PLAN, validatePlan, type Phase } from './plan';

export interface Timing {
  readonly applyTimeoutMs: number;
  readonly disconnectGraceMs: number;
  readonly healthGraceMs: number;
}

/** Everything fixed when a rollout starts; recorded on RolloutStarted. */
export interface RolloutSettings {
  readonly rolloutId: string;
  readonly target: Target;
  readonly configHash: string;
  readonly plan: readonly Phase[];
  readonly threshold: number;
  readonly minOutcomeRatio: number;
  readonly policy: FailurePolicy;
  readonly baselineConfigHash: string | null;
  readonly acceptKeepNewOnFailure: boolean;
  readonly stratifyBy: string | null;
  readonly timing: Timing;
  readonly disconnectedPolicy: DisconnectedPolicy;
  /** No phase targets fewer agents than this; absent (rollouts started before it existed, or not given): 1. */
  readonly minCanaryAgents?: number;
  /** Components the config defines that members must have reported, and what lacking one means; absent: not checked. */
  readonly components?: { readonly required: readonly string[]; readonly policy: 'exclude' | 'refuse' };
  /** Data-plane gates judged at the end of each phase's window, canary against control; absent: none (the default). */
  readonly dataPlane?: DataPlaneSettings;
}

/** Rollout ids name the rollout's event subject (`rollout.events.<id>`), so they are one plain token. */
const ROLLOUT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The original design's failure threshold. */
export const DEFAULT_THRESHOLD = 0.1;
export const DEFAULT_TIMING: Timing = { applyTimeoutMs: 120_000, disconnectGraceMs: 60_000, healthGraceMs: 30_000 };

function componentCheck(command: StartRollout): Pick<RolloutSettings, 'components'> {
  const policy = command.missingComponentsPolicy ?? 'exclude';
  const required = command.requiredComponents ?? [];
  return policy === 'include' || required.length === 0 ? {} : { components: { required: [...required], policy } };
}

export function settingsFrom(command: StartRollout): Result<RolloutSettings> {
  if (!ROLLOUT_ID.test(command.rolloutId)) {
    return fail(rolloutError('rollout.invalid_id', `rollout id ${JSON.stringify(command.rolloutId)} must be 1-128 letters, digits, '-' or '_' (it is a subject token)`));
  }
  if (command.configHash.trim() === '') return fail(rolloutError('config.missing_hash', 'the rollout names no config hash'));
  if (command.target.kind === 'group' && command.target.group.trim() === '') {
    return fail(rolloutError('target.invalid', 'the target group name is empty'));
  }
  const baselineConfigHash = command.baselineConfigHash ?? null;
  if (baselineConfigHash === command.configHash) {
    return fail(rolloutError('baseline.same_as_config', 'the baseline config is the config being rolled out; a fallback must differ from it'));
  }
  const threshold = command.threshold ?? DEFAULT_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) {
    return fail(rolloutError('threshold.out_of_range', `failure threshold ${threshold} is outside [0, 1]`, { threshold: String(threshold) }));
  }
  const minOutcomeRatio = command.minOutcomeRatio ?? 1;
  if (!(minOutcomeRatio > 0 && minOutcomeRatio <= 1)) {
    return fail(rolloutError('gate.min_outcome_ratio_out_of_range', `minimum outcome ratio ${minOutcomeRatio} is outside (0, 1]`));
  }
  const timing = { ...DEFAULT_TIMING, ...command.timing };
  for (const [name, value] of Object.entries(timing)) {
    if (!Number.isFinite(value) || value < 0) return fail(rolloutError('timing.out_of_range', `${name} is ${value}; timings are finite and ≥ 0 ms`, { field: name }));
  }
  const minCanaryAgents = command.minCanaryAgents;
  if (minCanaryAgents !== undefined && !(Number.isInteger(minCanaryAgents) && minCanaryAgents >= 1)) {
    return fail(rolloutError('plan.invalid_min_canary', `minimum canary size ${minCanaryAgents} must be a whole number of agents ≥ 1`, { minCanaryAgents: String(minCanaryAgents) }));
  }
  const plan = command.plan === undefined ? ok(DEFAULT_PLAN) : validatePlan(command.plan);
  if (!plan.ok) return plan;
  const dataPlane = dataPlaneSettingsFrom(command.dataPlane);
  if (!dataPlane.ok) return dataPlane;
  return ok({
    rolloutId: command.rolloutId,
    target: command.target,
    configHash: command.configHash,
    plan: plan.value,
    threshold,
    minOutcomeRatio,
    policy: command.policy ?? 'rollback',
    baselineConfigHash,
    acceptKeepNewOnFailure: command.acceptKeepNewOnFailure ?? false,
    stratifyBy: command.stratifyBy === undefined || command.stratifyBy === null || command.stratifyBy === '' ? null : command.stratifyBy,
    timing,
    disconnectedPolicy: command.disconnectedPolicy ?? 'fail',
    ...(minCanaryAgents !== undefined && minCanaryAgents > 1 ? { minCanaryAgents } : {}),
    ...componentCheck(command),
    ...(dataPlane.value === null ? {} : { dataPlane: dataPlane.value }),
  });
}
