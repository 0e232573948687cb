import { fail, ok, rolloutError, type Result } from './errors';

/**
 * Data-plane gates: a phase is judged also by what the collectors do with telemetry, from the
 * metrics they report about themselves (OpAMP own metrics), canary cohort against control
 * cohort. Off unless a rollout names them.
 *
 * | metric | the cohort's … |
 * |---|---|
 * | `exporter.failed_ratio` | items its exporters failed to send ÷ items sent or failed |
 * | `receiver.refused_ratio` | items its receivers refused ÷ items accepted or refused |
 * | `processor.dropped_ratio` | 1 − items out of its processors ÷ items into them |
 * | `exporter.sent_rate` | items sent per second, mean over its agents |
 * | `exporter.queue_fill` | highest exporter queue size ÷ capacity seen |
 * | `memory.growth` | growth of resident memory over the window (0.2 = +20%), mean over its agents |
 */
export const DATA_PLANE_METRICS = ['exporter.failed_ratio', 'receiver.refused_ratio', 'processor.dropped_ratio', 'exporter.sent_rate', 'exporter.queue_fill', 'memory.growth'] as const;
export type DataPlaneMetric = (typeof DATA_PLANE_METRICS)[number];

export const DATA_PLANE_OPERATORS = ['<=', '>=', '<', '>'] as const;
export type DataPlaneOperator = (typeof DATA_PLANE_OPERATORS)[number];

/**
 * What the canary's figure is compared with: a number, or the control cohort's figure of the
 * same metric plus an offset (`control+0.01`) or times a factor (`control*0.8`).
 */
export type DataPlaneBound =
  | { readonly kind: 'absolute'; readonly value: number }
  | { readonly kind: 'control_plus'; readonly offset: number }
  | { readonly kind: 'control_times'; readonly factor: number };

export interface DataPlaneGate {
  readonly metric: DataPlaneMetric;
  readonly op: DataPlaneOperator;
  readonly bound: DataPlaneBound;
}

/** What a rollout records about its data-plane gates (on RolloutStarted's settings). */
export interface DataPlaneSettings {
  readonly gates: readonly DataPlaneGate[];
  /** An agent counts in its cohort once it has this many samples in the window. */
  readonly minSamplesPerAgent: number;
  /** A cohort is judged once this many of its agents count (capped by the cohort's size). */
  readonly minAgentsPerCohort: number;
}

/** As an operator writes it: gates as expressions (`exporter.failed_ratio <= control+0.01`) or as data. */
export interface DataPlaneSpec {
  readonly gates: readonly (string | DataPlaneGate)[];
  readonly minSamplesPerAgent?: number;
  readonly minAgentsPerCohort?: number;
}

export const DEFAULT_MIN_SAMPLES_PER_AGENT = 3;
export const DEFAULT_MIN_AGENTS_PER_COHORT = 1;

/** Ratios and growth: 0 is ideal, so a canary as bad as a bad control is worth a note. */
export function lowerIsBetter(metric: DataPlaneMetric): boolean {
  return metric !== 'exporter.sent_rate';
}

const NUMBER = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?';
const EXPRESSION = new RegExp(`^\\s*([a-z_.]+)\\s*(<=|>=|<|>)\\s*(?:(${NUMBER})|control\\s*(?:([-+])\\s*(${NUMBER})|\\*\\s*(${NUMBER}))?)\\s*$`);

/** Parses `metric op bound`, e.g. `exporter.failed_ratio <= control+0.01`, `exporter.sent_rate >= control*0.8`, `memory.growth < 0.2`. */
export function parseGateExpression(text: string): Result<DataPlaneGate> {
  const match = EXPRESSION.exec(text);
  if (match === null) {
    return fail(
      rolloutError(
        'gate.invalid_expression',
        `data-plane gate ${JSON.stringify(text)} does not read as "<metric> <op> <bound>": op is one of ${DATA_PLANE_OPERATORS.join(' ')}, bound a number, "control", "control+N", "control-N" or "control*N" (e.g. "exporter.failed_ratio <= control+0.01")`,
        { gate: text },
      ),
    );
  }
  const [, metric, op, absolute, sign, offset, factor] = match;
  const bound: DataPlaneBound =
    absolute !== undefined
      ? { kind: 'absolute', value: Number(absolute) }
      : factor !== undefined
        ? { kind: 'control_times', factor: Number(factor) }
        : { kind: 'control_plus', offset: offset === undefined ? 0 : sign === '-' ? -Number(offset) : Number(offset) };
  return checkGate({ metric: metric as DataPlaneMetric, op: op as DataPlaneOperator, bound }, text);
}

/** The canonical text of a gate; `parseGateExpression(formatGate(g))` gives `g` back. */
export function formatGate(gate: DataPlaneGate): string {
  return `${gate.metric} ${gate.op} ${formatBound(gate.bound)}`;
}

export function formatBound(bound: DataPlaneBound): string {
  switch (bound.kind) {
    case 'absolute':
      return String(bound.value);
    case 'control_plus':
      return bound.offset === 0 ? 'control' : `control${bound.offset < 0 ? '-' : '+'}${Math.abs(bound.offset)}`;
    case 'control_times':
      return `control*${bound.factor}`;
  }
}

/** Validates a rollout's data-plane spec (expressions parsed, gates checked); null when it names no gate. */
export function dataPlaneSettingsFrom(spec: DataPlaneSpec | undefined): Result<DataPlaneSettings | null> {
  if (spec === undefined || spec.gates.length === 0) return ok(null);
  const gates: DataPlaneGate[] = [];
  for (const entry of spec.gates) {
    const gate = typeof entry === 'string' ? parseGateExpression(entry) : checkGate(entry, formatGateLoosely(entry));
    if (!gate.ok) return gate;
    gates.push(gate.value);
  }
  const minSamplesPerAgent = spec.minSamplesPerAgent ?? DEFAULT_MIN_SAMPLES_PER_AGENT;
  const minAgentsPerCohort = spec.minAgentsPerCohort ?? DEFAULT_MIN_AGENTS_PER_COHORT;
  for (const [name, value] of [['minSamplesPerAgent', minSamplesPerAgent], ['minAgentsPerCohort', minAgentsPerCohort]] as const) {
    if (!(Number.isInteger(value) && value >= 1)) {
      return fail(rolloutError('gate.invalid_data_requirement', `${name} is ${value}; it must be a whole number ≥ 1`, { field: name }));
    }
  }
  return ok({ gates, minSamplesPerAgent, minAgentsPerCohort });
}

function checkGate(gate: DataPlaneGate, text: string): Result<DataPlaneGate> {
  if (!(DATA_PLANE_METRICS as readonly string[]).includes(gate.metric)) {
    return fail(rolloutError('gate.unknown_metric', `data-plane gate ${JSON.stringify(text)} names no known metric; known: ${DATA_PLANE_METRICS.join(', ')}`, { gate: text }));
  }
  if (!(DATA_PLANE_OPERATORS as readonly string[]).includes(gate.op)) {
    return fail(rolloutError('gate.invalid_expression', `data-plane gate ${JSON.stringify(text)}: operator must be one of ${DATA_PLANE_OPERATORS.join(' ')}`, { gate: text }));
  }
  const bound = gate.bound as DataPlaneBound | undefined;
  const number = bound?.kind === 'absolute' ? bound.value : bound?.kind === 'control_plus' ? bound.offset : bound?.kind === 'control_times' ? bound.factor : undefined;
  if (number === undefined || !Number.isFinite(number) || (bound?.kind === 'control_times' && number < 0)) {
    return fail(rolloutError('gate.invalid_expression', `data-plane gate ${JSON.stringify(text)}: the bound must be a finite number, control±N or control*N with N ≥ 0`, { gate: text }));
  }
  const canonical: DataPlaneBound =
    bound?.kind === 'absolute' ? { kind: 'absolute', value: number } : bound?.kind === 'control_plus' ? { kind: 'control_plus', offset: number } : { kind: 'control_times', factor: number };
  return ok({ metric: gate.metric, op: gate.op, bound: canonical });
}

function formatGateLoosely(gate: DataPlaneGate): string {
  try {
    return formatGate(gate);
  } catch {
    return JSON.stringify(gate);
  }
}
