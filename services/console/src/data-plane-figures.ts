import type { DataPlaneJudgement, Phase } from './api-types';

/** What a phase's data-plane gates show, computed from the API's `phases[n].gate.dataPlane` alone (no DOM). */

export type DataPlaneState = 'pass' | 'fail' | 'waiting' | 'not_judged';
type GateResult = DataPlaneJudgement['gates'][number];

export interface DataPlaneGateRow {
  readonly gate: string;
  readonly canary: string;
  readonly control: string;
  readonly threshold: string;
  readonly outcome: GateResult['outcome'];
  /** "pass", "FAIL", "waiting", "not judged". */
  readonly outcomeText: string;
  /** Why it failed, why it was not judged, or that the control was as bad. */
  readonly note: string | null;
}

export interface DataPlaneView {
  readonly state: DataPlaneState;
  /** One line on the phase's card: "data plane: failed", "waiting for data: 1 of 3 canaries reporting". */
  readonly headline: string;
  readonly rows: readonly DataPlaneGateRow[];
  /** "canaries: 2 of 3 reporting, 1 judged by apply and health only" and the same of the control. */
  readonly cohorts: readonly string[];
  /** What the engine says the gates wait for, verbatim; null unless waiting. */
  readonly waiting: string | null;
  readonly notes: readonly string[];
}

const RATIOS = new Set(['exporter.failed_ratio', 'receiver.refused_ratio', 'processor.dropped_ratio', 'exporter.queue_fill', 'memory.growth']);

/** A gate figure as people read it: ratios as percentages ("1%", "12.5%"), rates per second; "—" when there is none. */
export function gateFigure(metric: string, value: number | null): string {
  if (value === null) return '—';
  if (RATIOS.has(metric)) return `${Math.round(value * 1000) / 10}%`;
  if (metric === 'exporter.sent_rate') return `${Math.round(value * 10) / 10}/s`;
  return String(Math.round(value * 10_000) / 10_000);
}

const OUTCOME_TEXT: Record<GateResult['outcome'], string> = { pass: 'pass', fail: 'FAIL', waiting: 'waiting', not_judged: 'not judged' };

/**
 * A phase's data-plane gates as judged (or waited for); null when the rollout has none or the
 * phase has not reached them. Failed when one gate failed; waiting while the engine waits for
 * figures; passed when at least one gate passed and none failed; not judged when none could be.
 */
export function dataPlaneView(phase: Phase): DataPlaneView | null {
  const judgement = phase.gate?.dataPlane;
  if (judgement === undefined) return null;
  const rows = judgement.gates.map(
    (result): DataPlaneGateRow => ({
      gate: result.gate,
      canary: gateFigure(result.metric, result.canary),
      control: gateFigure(result.metric, result.control),
      threshold: gateFigure(result.metric, result.threshold),
      outcome: result.outcome,
      outcomeText: OUTCOME_TEXT[result.outcome],
      note: result.note ?? null,
    }),
  );
  const state = stateOf(judgement);
  const capable = judgement.canary.agents - judgement.canary.withoutOwnMetrics;
  const headline =
    state === 'waiting'
      ? `waiting for data: ${judgement.canary.reporting} of ${capable} ${capable === 1 ? 'canary' : 'canaries'} reporting`
      : state === 'fail'
        ? 'data plane: failed'
        : state === 'pass'
          ? 'data plane: passed'
          : capable === 0
            ? 'data plane: not judged (judged by apply and health only)'
            : 'data plane: not judged';
  return {
    state,
    headline,
    rows,
    cohorts: [cohortLine('canaries', judgement.canary), cohortLine('control', judgement.control)],
    waiting: state === 'waiting' ? (judgement.waiting ?? null) : null,
    notes: judgement.notes,
  };
}

function stateOf(judgement: DataPlaneJudgement): DataPlaneState {
  if (judgement.waiting !== undefined || judgement.gates.some((gate) => gate.outcome === 'waiting')) return 'waiting';
  if (judgement.gates.some((gate) => gate.outcome === 'fail')) return 'fail';
  if (judgement.gates.some((gate) => gate.outcome === 'pass')) return 'pass';
  return 'not_judged';
}

/** "canaries: 1 of 3 reporting, 2 judged by apply and health only (no own metrics)"; "control: none (this phase covers every agent)". */
function cohortLine(name: string, cohort: DataPlaneJudgement['canary']): string {
  if (cohort.agents === 0) return `${name}: none${name === 'control' ? ' (this phase covers every agent)' : ''}`;
  const without = cohort.withoutOwnMetrics > 0 ? `, ${cohort.withoutOwnMetrics} judged by apply and health only (no own metrics)` : '';
  return `${name}: ${cohort.reporting} of ${cohort.agents} reporting${without}`;
}
