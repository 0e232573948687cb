import { fail, ok, rolloutError, type Result } from './errors';

/** A phase as an operator writes it: exactly one of `percent` or `count` (both cumulative). */
export interface PhaseSpec {
  readonly name?: string;
  readonly percent?: number;
  readonly count?: number;
  /** Observation window; 0 means "pass as soon as the outcomes are in". */
  readonly windowMs?: number;
  /** Wait for an operator's promote once the gate is met. */
  readonly requireApproval?: boolean;
}

export type PhaseSize = { readonly kind: 'percent'; readonly percent: number } | { readonly kind: 'count'; readonly count: number };

export interface Phase {
  readonly name: string;
  readonly size: PhaseSize;
  readonly windowMs: number;
  readonly requireApproval: boolean;
}

const MINUTE = 60_000;

/** The original design's plan: canary 2% / 5 min → 10% / 5 min → 50% / 3 min → 100%. */
export const DEFAULT_PLAN: readonly Phase[] = [
  { name: 'canary', size: { kind: 'percent', percent: 2 }, windowMs: 5 * MINUTE, requireApproval: false },
  { name: 'early-adopters', size: { kind: 'percent', percent: 10 }, windowMs: 5 * MINUTE, requireApproval: false },
  { name: 'majority', size: { kind: 'percent', percent: 50 }, windowMs: 3 * MINUTE, requireApproval: false },
  { name: 'full', size: { kind: 'percent', percent: 100 }, windowMs: 0, requireApproval: false },
];

/**
 * Validates and normalises a plan. Percentages must rise strictly, counts must rise strictly,
 * and the last phase must be 100% so every eligible agent is reached.
 */
export function validatePlan(specs: readonly PhaseSpec[]): Result<Phase[]> {
  if (specs.length === 0) return fail(rolloutError('plan.empty', 'the plan has no phases; give at least one, ending at 100%'));
  const phases: Phase[] = [];
  for (const [index, spec] of specs.entries()) {
    const phase = normalisePhase(spec, index);
    if (!phase.ok) return phase;
    phases.push(phase.value);
  }
  const order = checkIncreasing(phases);
  if (!order.ok) return order;
  const last = phases[phases.length - 1];
  if (last === undefined) return fail(rolloutError('plan.empty', 'the plan has no phases; give at least one, ending at 100%'));
  if (last.size.kind !== 'percent' || last.size.percent !== 100) {
    return fail(rolloutError('plan.not_ending_at_100', `the last phase (${last.name}) must be 100% so the rollout reaches every eligible agent`, { phase: phases.length - 1 }));
  }
  return ok(phases);
}

function normalisePhase(spec: PhaseSpec, index: number): Result<Phase> {
  const name = spec.name !== undefined && spec.name.trim() !== '' ? spec.name : `phase-${index + 1}`;
  const size = phaseSize(spec);
  if (size === null) {
    return fail(rolloutError('plan.invalid_phase', `phase ${index} (${name}) needs exactly one of percent in (0, 100] or count ≥ 1 (an integer)`, { phase: index }));
  }
  const windowMs = spec.windowMs ?? 0;
  if (!Number.isFinite(windowMs) || windowMs < 0) {
    return fail(rolloutError('plan.negative_window', `phase ${index} (${name}) has window ${windowMs} ms; windows are finite and ≥ 0`, { phase: index }));
  }
  return ok({ name, size, windowMs, requireApproval: spec.requireApproval ?? false });
}

function phaseSize(spec: PhaseSpec): PhaseSize | null {
  const { percent, count } = spec;
  if (percent !== undefined && count === undefined) {
    return Number.isFinite(percent) && percent > 0 && percent <= 100 ? { kind: 'percent', percent } : null;
  }
  if (count !== undefined && percent === undefined) {
    return Number.isInteger(count) && count >= 1 ? { kind: 'count', count } : null;
  }
  return null;
}

function checkIncreasing(phases: readonly Phase[]): Result<true> {
  let lastPercent = 0;
  let lastCount = 0;
  for (const [index, phase] of phases.entries()) {
    const value = phase.size.kind === 'percent' ? phase.size.percent : phase.size.count;
    const previous = phase.size.kind === 'percent' ? lastPercent : lastCount;
    if (value <= previous) {
      return fail(rolloutError('plan.not_increasing', `phase ${index} (${phase.name}) does not widen the rollout: ${describeSize(phase.size)} after ${previous}${phase.size.kind === 'percent' ? '%' : ' agents'}`, { phase: index }));
    }
    if (phase.size.kind === 'percent') lastPercent = value;
    else lastCount = value;
  }
  return ok(true);
}

export function describeSize(size: PhaseSize): string {
  return size.kind === 'percent' ? `${size.percent}%` : `${size.count} agents`;
}

/**
 * How many agents a phase may have targeted in total (cumulative), given the rollout's member
 * count and, when stratified, the number of distinct strata: a percentage rounds up and is at
 * least one agent, a count is capped by the members, a stratified phase covers every stratum
 * (so a canary reaches every region), and no phase is smaller than the rollout's minimum canary
 * size (`minCanaryAgents`, capped by the members).
 */
export function phaseAllowance(size: PhaseSize, members: number, strata: number, minimum = 1): number {
  if (members <= 0) return 0;
  const base = size.kind === 'percent' ? Math.max(1, Math.ceil((size.percent * members) / 100 - 1e-9)) : size.count;
  return Math.min(members, Math.max(base, strata, minimum));
}
