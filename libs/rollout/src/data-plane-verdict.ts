import { formatGate, lowerIsBetter, type DataPlaneGate, type DataPlaneMetric, type DataPlaneSettings } from './data-plane-gates';

/**
 * What one agent's own metrics say about a stretch of time, as the orchestrator computes them
 * from the samples the agent sent (increases of cumulative counters, resets handled). Handed to
 * the engine as data; the engine never sees a raw metric.
 */
export interface AgentTelemetryFigures {
  /** Samples (exports of the agent's own metrics) in the stretch. */
  readonly samples: number;
  /** Time between the first and the last of them. */
  readonly coveredMs: number;
  /** Items (spans, metric points, log records) its exporters sent, and failed to send. */
  readonly exporterSent: number;
  readonly exporterFailed: number;
  /** Items its receivers accepted, and refused. */
  readonly receiverAccepted: number;
  readonly receiverRefused: number;
  /** Items into and out of its processors. */
  readonly processorIncoming: number;
  readonly processorOutgoing: number;
  /** Highest exporter queue size ÷ capacity seen; null when no queue reported. */
  readonly queueFill: number | null;
  /** Resident memory at the first and the last sample (bytes); null when not reported. */
  readonly memoryFirst: number | null;
  readonly memoryLast: number | null;
}

/**
 * The agent's figures from `from` to `to`; null when the agent does not report its own metrics
 * (no ReportsOwnMetrics capability), figures with 0 samples when it does but nothing arrived.
 */
export type TelemetryFiguresOf = (agentId: string, from: number, to: number) => AgentTelemetryFigures | null;

export interface CohortSummary {
  /** Agents in the cohort. */
  readonly agents: number;
  /** Of those, agents with enough samples: they are the ones counted. */
  readonly reporting: number;
  /** Agents that do not report their own metrics: judged by the other gates only. */
  readonly withoutOwnMetrics: number;
}

export interface DataPlaneGateResult {
  /** The gate as text (`exporter.failed_ratio <= control+0.01`). */
  readonly gate: string;
  readonly metric: DataPlaneMetric;
  /** The cohorts' figures; null when the cohort had none (no agent counted, or no items flowed). */
  readonly canary: number | null;
  readonly control: number | null;
  /** What the canary's figure was compared with; null when the gate could not be judged. */
  readonly threshold: number | null;
  /** 'pass', 'fail', 'not_judged' (with `note` saying why; it does not hold the phase back), or 'waiting' for enough figures. */
  readonly outcome: 'pass' | 'fail' | 'not_judged' | 'waiting';
  readonly note?: string;
}

/** The data-plane part of a gate decision, recorded on PhasePassed / PhaseFailed / PhaseAwaitingApproval. */
export interface DataPlaneJudgement {
  readonly windowStart: number;
  readonly canary: CohortSummary;
  readonly control: CohortSummary;
  readonly gates: readonly DataPlaneGateResult[];
  readonly notes: readonly string[];
  /** Set while the gates wait for figures (PhaseWaitingForData): why, with how many agents report. */
  readonly waiting?: string;
}

export type DataPlaneVerdict =
  | { readonly verdict: 'pass' | 'fail'; readonly judgement: DataPlaneJudgement; readonly breaching: readonly string[] }
  | { readonly verdict: 'wait'; readonly why: string; readonly judgement: DataPlaneJudgement };

/** Who is compared: the canaries (targeted, applied) and the control (members still on their previous config). */
export interface Cohorts {
  /** Canary agent id → when its window starts (the later of the phase's start and its apply). */
  readonly canary: ReadonlyMap<string, number>;
  readonly control: readonly string[];
  readonly windowStart: number;
}

interface Counted {
  readonly figures: ReadonlyMap<string, AgentTelemetryFigures>;
  readonly summary: CohortSummary;
  /** Agents that report their own metrics but have too few samples yet. */
  readonly short: number;
}

const EPSILON = 1e-9;

/**
 * The data-plane verdict of a phase whose window has elapsed: wait while a cohort has too little
 * data; otherwise every gate is judged, canary against control, and the phase fails when one
 * fails. A relative gate with no control to compare (the phase covers the whole target, or no
 * control agent reports its own metrics) is not judged and says so; so is every gate when no
 * canary reports its own metrics at all (they are judged by the other gates only).
 */
export function dataPlaneVerdict(settings: DataPlaneSettings, cohorts: Cohorts, figuresOf: TelemetryFiguresOf, now: number): DataPlaneVerdict {
  const canary = count([...cohorts.canary].map(([agentId, from]) => [agentId, figuresOf(agentId, from, now)]), settings.minSamplesPerAgent);
  const control = count(cohorts.control.map((agentId) => [agentId, figuresOf(agentId, cohorts.windowStart, now)]), settings.minSamplesPerAgent);
  const capableCanaries = canary.summary.agents - canary.summary.withoutOwnMetrics;
  const capableControls = control.summary.agents - control.summary.withoutOwnMetrics;
  const relative = settings.gates.some((gate) => gate.bound.kind !== 'absolute');
  const notes: string[] = [];
  if (capableCanaries === 0) notes.push(`no canary reports its own metrics (ReportsOwnMetrics): the phase is judged by the apply and health gates only`);
  else if (canary.summary.withoutOwnMetrics > 0) notes.push(`${canary.summary.withoutOwnMetrics} of ${canary.summary.agents} canaries do not report their own metrics: judged by the apply and health gates only`);
  const waitingFor = (cohort: 'canary' | 'control', counted: Counted): DataPlaneVerdict => {
    const why = waitReason(cohort, counted, settings);
    const gates = settings.gates.map((gate): DataPlaneGateResult => ({ gate: formatGate(gate), metric: gate.metric, canary: null, control: null, threshold: null, outcome: 'waiting' }));
    return { verdict: 'wait', why, judgement: { windowStart: cohorts.windowStart, canary: canary.summary, control: control.summary, gates, notes, waiting: why } };
  };
  if (capableCanaries > 0 && canary.summary.reporting < Math.min(settings.minAgentsPerCohort, capableCanaries)) return waitingFor('canary', canary);
  if (relative && capableCanaries > 0 && capableControls > 0 && control.summary.reporting < Math.min(settings.minAgentsPerCohort, capableControls)) return waitingFor('control', control);
  const results = settings.gates.map((gate) => judgeGate(gate, canary, control, capableCanaries));
  const breaching = new Set<string>();
  for (const [index, result] of results.entries()) {
    if (result.outcome !== 'fail') continue;
    const gate = settings.gates[index] as DataPlaneGate;
    for (const [agentId, figures] of canary.figures) {
      const own = agentFigure(gate.metric, figures);
      if (own !== null && result.threshold !== null && !compare(own, gate.op, result.threshold)) breaching.add(agentId);
    }
  }
  const judgement: DataPlaneJudgement = { windowStart: cohorts.windowStart, canary: canary.summary, control: control.summary, gates: results, notes };
  return { verdict: results.some((result) => result.outcome === 'fail') ? 'fail' : 'pass', judgement, breaching: [...breaching].sort() };
}

function count(entries: readonly (readonly [string, AgentTelemetryFigures | null])[], minSamples: number): Counted {
  const figures = new Map<string, AgentTelemetryFigures>();
  let withoutOwnMetrics = 0;
  let short = 0;
  for (const [agentId, agentFigures] of entries) {
    if (agentFigures === null) withoutOwnMetrics += 1;
    else if (agentFigures.samples < minSamples) short += 1;
    else figures.set(agentId, agentFigures);
  }
  return { figures, summary: { agents: entries.length, reporting: figures.size, withoutOwnMetrics }, short };
}

function waitReason(cohort: 'canary' | 'control', counted: Counted, settings: DataPlaneSettings): string {
  const capable = counted.summary.agents - counted.summary.withoutOwnMetrics;
  const needed = Math.min(settings.minAgentsPerCohort, capable);
  return `waiting for data-plane figures: ${counted.summary.reporting} of ${capable} ${cohort} agents reporting their own metrics have ${settings.minSamplesPerAgent} samples in the window, ${needed} needed`;
}

function judgeGate(gate: DataPlaneGate, canary: Counted, control: Counted, capableCanaries: number): DataPlaneGateResult {
  const gateText = formatGate(gate);
  const canaryValue = cohortFigure(gate.metric, canary.figures);
  const controlValue = cohortFigure(gate.metric, control.figures);
  const base = { gate: gateText, metric: gate.metric, canary: canaryValue, control: controlValue };
  if (capableCanaries === 0) return { ...base, threshold: null, outcome: 'not_judged', note: 'no canary reports its own metrics' };
  if (canaryValue === null) return { ...base, threshold: null, outcome: 'not_judged', note: noFigure(gate.metric, 'canary') };
  if (gate.bound.kind !== 'absolute' && control.summary.agents === 0) {
    return { ...base, threshold: null, outcome: 'not_judged', note: 'no control cohort: this phase covers every agent of the target' };
  }
  if (gate.bound.kind !== 'absolute' && control.figures.size === 0) {
    return { ...base, threshold: null, outcome: 'not_judged', note: 'no control agent reports its own metrics' };
  }
  if (gate.bound.kind !== 'absolute' && controlValue === null) return { ...base, threshold: null, outcome: 'not_judged', note: noFigure(gate.metric, 'control') };
  const threshold = thresholdOf(gate, controlValue ?? 0);
  const passed = compare(canaryValue, gate.op, threshold);
  if (!passed) return { ...base, threshold, outcome: 'fail', note: `canary ${fmt(canaryValue)} is not ${gate.op} ${fmt(threshold)}${gate.bound.kind === 'absolute' ? '' : ` (control ${fmt(controlValue ?? 0)})`}` };
  // Everyone worse: a canary that passes only because the control is as bad.
  if (gate.bound.kind !== 'absolute' && lowerIsBetter(gate.metric) && !compare(canaryValue, gate.op, thresholdOf(gate, 0))) {
    return { ...base, threshold, outcome: 'pass', note: `control is as bad (canary ${fmt(canaryValue)}, control ${fmt(controlValue ?? 0)}): the cause is shared by agents on the previous config (a backend outage?), not this config` };
  }
  return { ...base, threshold, outcome: 'pass' };
}

function noFigure(metric: DataPlaneMetric, cohort: string): string {
  switch (metric) {
    case 'exporter.queue_fill':
      return `the ${cohort} reported no exporter queue`;
    case 'memory.growth':
      return `the ${cohort} reported no memory`;
    case 'processor.dropped_ratio':
      // The collector sends otelcol_processor_incoming_items / outgoing_items at telemetry level detailed only.
      return `the ${cohort} reported no items into its processors (collectors count them at service::telemetry::metrics::level detailed)`;
    case 'exporter.failed_ratio':
    case 'receiver.refused_ratio':
    case 'exporter.sent_rate':
      return `no items flowed through the ${cohort} in the window`;
  }
}

function thresholdOf(gate: DataPlaneGate, control: number): number {
  switch (gate.bound.kind) {
    case 'absolute':
      return gate.bound.value;
    case 'control_plus':
      return control + gate.bound.offset;
    case 'control_times':
      return control * gate.bound.factor;
  }
}

function compare(value: number, op: DataPlaneGate['op'], threshold: number): boolean {
  switch (op) {
    case '<=':
      return value <= threshold + EPSILON;
    case '>=':
      return value >= threshold - EPSILON;
    case '<':
      return value < threshold;
    case '>':
      return value > threshold;
  }
}

/** A cohort's figure: ratios pooled over its agents' items, rates and growth averaged, queue fill the highest. */
export function cohortFigure(metric: DataPlaneMetric, figures: ReadonlyMap<string, AgentTelemetryFigures>): number | null {
  const all = [...figures.values()];
  const sum = (pick: (f: AgentTelemetryFigures) => number) => all.reduce((total, f) => total + pick(f), 0);
  switch (metric) {
    case 'exporter.failed_ratio':
      return ratio(sum((f) => f.exporterFailed), sum((f) => f.exporterSent + f.exporterFailed));
    case 'receiver.refused_ratio':
      return ratio(sum((f) => f.receiverRefused), sum((f) => f.receiverAccepted + f.receiverRefused));
    case 'processor.dropped_ratio': {
      const incoming = sum((f) => f.processorIncoming);
      return incoming <= 0 ? null : Math.max(0, 1 - sum((f) => f.processorOutgoing) / incoming);
    }
    case 'exporter.sent_rate':
    case 'memory.growth':
    case 'exporter.queue_fill': {
      const values = all.map((f) => agentFigure(metric, f)).filter((value): value is number => value !== null);
      if (values.length === 0) return null;
      return metric === 'exporter.queue_fill' ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length;
    }
  }
}

/** One agent's own figure of a metric (the same rules as its cohort's, over its items alone). */
export function agentFigure(metric: DataPlaneMetric, f: AgentTelemetryFigures): number | null {
  switch (metric) {
    case 'exporter.failed_ratio':
    case 'receiver.refused_ratio':
    case 'processor.dropped_ratio':
      return cohortFigure(metric, new Map([['', f]]));
    case 'exporter.sent_rate':
      return f.coveredMs <= 0 ? null : (f.exporterSent * 1000) / f.coveredMs;
    case 'exporter.queue_fill':
      return f.queueFill;
    case 'memory.growth':
      return f.memoryFirst === null || f.memoryLast === null || f.memoryFirst <= 0 ? null : (f.memoryLast - f.memoryFirst) / f.memoryFirst;
  }
}

function ratio(part: number, whole: number): number | null {
  return whole <= 0 ? null : part / whole;
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}
