import { classify, FAILURE_REASONS, type FailureReason } from './agent-record';
import { dataPlaneVerdict, type Cohorts, type DataPlaneJudgement, type DataPlaneVerdict } from './data-plane-verdict';
import { emit, mayJudge, notify, type Recorder } from './decision';
import type { GateFigures } from './rollout-events';
import { startPhase } from './phase';
import { releaseUnapplied } from './release';
import { rollBack } from './rollback';
import { currentPhase, populationCount, windowEndsAt, type DraftState } from './state';
import type { AgentClass } from './agent-record';

/** Tolerance for floating-point products such as 0.29 × 100 = 28.999999999999996. */
const EPSILON = 1e-9;

/** Failures a population of `size` may have at `threshold` and still pass. */
export function allowedFailures(threshold: number, size: number): number {
  return Math.floor(threshold * size + EPSILON);
}

/**
 * The figures a gate looks at. The population is every targeted agent not excluded, across
 * all phases so far (cumulative); `applied` counts agents with the config applied that are
 * connected and — if they report health — healthy since the push.
 */
export function gateFigures(counts: Readonly<Record<AgentClass, number>>, threshold: number): GateFigures {
  const population = populationCount(counts);
  return {
    population,
    applied: counts.ready,
    failed: counts.failed,
    pending: counts.pending,
    disconnected: counts.disconnected,
    allowedFailures: allowedFailures(threshold, population),
  };
}

export type GateVerdict = 'fail' | 'wait' | 'pass' | 'no_agents';

/**
 * The exact gate rule (also in docs/rollouts.md):
 * - fail as soon as failed > floor(threshold × population), window or not;
 * - otherwise wait while the phase start's agents are still being targeted (see PhaseFill);
 * - otherwise wait for the window to elapse;
 * - after it, no population left at all fails the rollout;
 * - pass when outcomes (applied + failed) ≥ max(1, ceil(minOutcomeRatio × (population − disconnected)))
 *   and failed ≤ floor(threshold × outcomes).
 */
export function gateVerdict(draft: DraftState, figures: GateFigures, now: number): GateVerdict {
  if (figures.failed > figures.allowedFailures) return 'fail';
  if (draft.fill !== null) return 'wait';
  const windowEnd = windowEndsAt(draft, now);
  if (windowEnd === null || now < windowEnd) return 'wait';
  if (figures.population === 0) return 'no_agents';
  const outcomes = figures.applied + figures.failed;
  const required = Math.max(1, Math.ceil(draft.settings.minOutcomeRatio * (figures.population - figures.disconnected) - EPSILON));
  if (outcomes < required) return 'wait';
  return figures.failed <= allowedFailures(draft.settings.threshold, outcomes) ? 'pass' : 'wait';
}

/** Moves an in-progress rollout on as far as its gates allow (several phases when windows are 0). */
export function progress(recorder: Recorder): void {
  const { draft } = recorder;
  if (draft.status === 'in_progress' && !mayJudge(recorder)) return;
  for (let step = 0; step <= draft.settings.plan.length; step += 1) {
    if (draft.status !== 'in_progress') return;
    const figures = gateFigures(draft.counts, draft.settings.threshold);
    const verdict = gateVerdict(draft, figures, recorder.now);
    if (verdict === 'fail') return failPhase(recorder, figures);
    if (verdict === 'no_agents') return failRollout(recorder);
    if (verdict === 'wait') return;
    const dataPlane = judgeDataPlane(recorder);
    if (dataPlane?.verdict === 'wait') {
      recorder.waiting = dataPlane.why;
      // Recorded when the reason changes (more agents reporting), so the views can say what the phase waits for.
      if (draft.dataWaiting !== dataPlane.why) emit(recorder, { type: 'PhaseWaitingForData', phase: draft.phaseIndex, ...figures, dataPlane: dataPlane.judgement });
      return;
    }
    if (dataPlane?.verdict === 'fail') return failDataPlane(recorder, dataPlane);
    const judgement = dataPlane?.judgement;
    if (currentPhase(draft).requireApproval) {
      if (!draft.awaitingApproval) awaitApproval(recorder, gateFigures(draft.counts, draft.settings.threshold), judgement);
      return;
    }
    passPhase(recorder, 'gate', judgement);
  }
}

/** The data-plane gates' verdict on the current phase; null when the rollout has none. */
function judgeDataPlane(recorder: Recorder): DataPlaneVerdict | null {
  const { draft } = recorder;
  const settings = draft.settings.dataPlane;
  if (settings === undefined || draft.phaseStartedAt === null) return null;
  return dataPlaneVerdict(settings, cohortsOf(draft), recorder.facts.telemetry ?? (() => null), recorder.now);
}

/**
 * The canary cohort is every targeted agent judged applied, each from the later of the phase's
 * start and its apply (what it did on its previous config does not count); the control cohort
 * is every connected member not targeted yet, still on its previous config, from the phase's start.
 */
function cohortsOf(draft: DraftState): Cohorts {
  const windowStart = draft.phaseStartedAt ?? 0;
  const canary = new Map<string, number>();
  const control: string[] = [];
  for (const bucket of draft.agents.buckets) {
    for (const agent of bucket.values()) {
      const agentClass = classify(agent);
      if (agentClass === 'ready') canary.set(agent.agentId, Math.max(windowStart, agent.appliedAt ?? windowStart));
      else if (agentClass === 'waiting' && agent.connected) control.push(agent.agentId);
    }
  }
  control.sort();
  return { canary: new Map([...canary].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), control, windowStart };
}

/**
 * A data-plane gate failed: each canary whose own figure breaches a failed gate counts as failed
 * (`data_plane`, grouped under the gate's text like apply failures under their error), then the
 * phase fails with the figures.
 */
function failDataPlane(recorder: Recorder, dataPlane: Extract<DataPlaneVerdict, { verdict: 'pass' | 'fail' }>): void {
  const failed = dataPlane.judgement.gates.filter((gate) => gate.outcome === 'fail').map((gate) => gate.gate);
  const detail = `data-plane gate failed: ${failed.join('; ')}`;
  for (const agentId of dataPlane.breaching) emit(recorder, { type: 'AgentConfigFailed', agentId, reason: 'data_plane', detail });
  failPhase(recorder, gateFigures(recorder.draft.counts, recorder.draft.settings.threshold), dataPlane.judgement);
}

/** Passes the current phase and starts the next one, or completes the rollout after the last. */
export function passPhase(recorder: Recorder, by: 'gate' | 'promote', dataPlane?: DataPlaneJudgement): void {
  const { draft } = recorder;
  const figures = gateFigures(draft.counts, draft.settings.threshold);
  emit(recorder, { type: 'PhasePassed', phase: draft.phaseIndex, by, ...figures, ...(dataPlane === undefined ? {} : { dataPlane }) });
  if (draft.phaseIndex + 1 < draft.settings.plan.length) return startPhase(recorder, draft.phaseIndex + 1);
  releaseUnapplied(recorder);
  emit(recorder, { type: 'RolloutCompleted', applied: draft.counts.ready, failed: draft.counts.failed, excluded: draft.counts.excluded });
  notify(recorder, 'completed', `rollout ${draft.settings.rolloutId} completed: ${draft.counts.ready} agents applied the config, ${draft.counts.failed} failed`);
}

/** Once per phase: the gate is met and an operator must promote it. */
function awaitApproval(recorder: Recorder, figures: GateFigures, dataPlane: DataPlaneJudgement | undefined): void {
  const { draft } = recorder;
  emit(recorder, { type: 'PhaseAwaitingApproval', phase: draft.phaseIndex, ...figures, ...(dataPlane === undefined ? {} : { dataPlane }) });
  const phase = currentPhase(draft);
  notify(
    recorder,
    'awaiting_approval',
    `rollout ${draft.settings.rolloutId}: phase ${phase.name} passed its gate (${figures.applied} of ${figures.population} agents applied, ${figures.failed} failed, ${figures.allowedFailures} allowed) and awaits approval; promote to continue, or roll back or abort`,
  );
}

function failPhase(recorder: Recorder, figures: GateFigures, dataPlane?: DataPlaneJudgement): void {
  const { draft } = recorder;
  emit(recorder, { type: 'PhaseFailed', phase: draft.phaseIndex, reasons: failureReasons(draft), ...figures, ...(dataPlane === undefined ? {} : { dataPlane }) });
  if (draft.settings.policy === 'rollback') return rollBack(recorder, 'phase_failed', null);
  emit(recorder, { type: 'RolloutPaused', cause: 'phase_failed', reason: null });
  const phase = currentPhase(draft);
  const why = dataPlane === undefined ? `${figures.failed} of ${figures.population} agents, ${figures.allowedFailures} allowed` : describeDataPlaneFailure(dataPlane);
  notify(recorder, 'paused', `rollout ${draft.settings.rolloutId} paused: phase ${phase.name} failed (${why}); promote to continue anyway, roll back or abort`);
}

/** "exporter.failed_ratio <= control+0.01: canary 1 is not <= 0.01 (control 0)", one per failed gate. */
export function describeDataPlaneFailure(judgement: DataPlaneJudgement): string {
  return judgement.gates
    .filter((gate) => gate.outcome === 'fail')
    .map((gate) => `${gate.gate}: ${gate.note ?? 'failed'}`)
    .join('; ');
}

function failRollout(recorder: Recorder): void {
  const detail = 'every targeted agent left the rollout, so no gate can be judged';
  releaseUnapplied(recorder);
  emit(recorder, { type: 'RolloutFailed', reason: 'no_agents_left', detail });
  notify(recorder, 'failed', `rollout ${recorder.draft.settings.rolloutId} failed: ${detail}`);
}

function failureReasons(draft: DraftState): Partial<Record<FailureReason, number>> {
  const counts = new Map<FailureReason, number>();
  for (const bucket of draft.agents.buckets) {
    for (const agent of bucket.values()) {
      if (agent.failure !== null && agent.exclusion === null) counts.set(agent.failure.reason, (counts.get(agent.failure.reason) ?? 0) + 1);
    }
  }
  // Listed in the catalogue's order, so equal histories give equal events.
  const reasons: Partial<Record<FailureReason, number>> = {};
  for (const reason of FAILURE_REASONS) {
    const count = counts.get(reason);
    if (count !== undefined) reasons[reason] = count;
  }
  return reasons;
}
