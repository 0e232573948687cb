import { formatGate, parseGateExpression, type DataPlaneSpec } from './data-plane-gates';
import type { AgentTelemetryFigures } from './data-plane-verdict';
import { decide } from './index';
import { appliedAndHealthy, effectsOf, fleetOf, MIN, ofType, RolloutScenario, startCommand, tick, typesOf } from './testing/rollout-fixtures';

/** Figures of an agent that exported `sent` items and failed `failed` over a minute, in 6 samples. */
function figures(sent: number, failed: number, overrides: Partial<AgentTelemetryFigures> = {}): AgentTelemetryFigures {
  return {
    samples: 6,
    coveredMs: MIN,
    exporterSent: sent,
    exporterFailed: failed,
    receiverAccepted: sent + failed,
    receiverRefused: 0,
    processorIncoming: sent + failed,
    processorOutgoing: sent + failed,
    queueFill: 0,
    memoryFirst: 100e6,
    memoryLast: 100e6,
    ...overrides,
  };
}

const FAILED_RATIO: DataPlaneSpec = { gates: ['exporter.failed_ratio <= control+0.01'] };

/**
 * Given a 10-agent fleet whose rollout has data-plane gates, 2 canaries for a minute then
 * everyone, with the canaries applied and healthy; `canary` and `control` give each cohort's
 * figures (null: the agent does not report its own metrics).
 */
function givenCanariesApplied(dataPlane: DataPlaneSpec, canary: AgentTelemetryFigures | null, control: AgentTelemetryFigures | null): RolloutScenario {
  const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(10), plan: [{ count: 2, windowMs: MIN }, { percent: 100 }], dataPlane }));
  const canaries = new Set(scenario.targeted);
  appliedAndHealthy(scenario, [...canaries], 1000);
  scenario.facts = { fleetCaughtUp: true, telemetry: (agentId) => (canaries.has(agentId) ? canary : control) };
  return scenario;
}

describe('data-plane gates', () => {
  it('rolls back when the canaries fail to export what the control cohort exports', () => {
    const scenario = givenCanariesApplied(FAILED_RATIO, figures(0, 600), figures(600, 0));

    const decision = scenario.when(tick(MIN));

    expect(typesOf(decision)).toEqual(['AgentConfigFailed', 'AgentConfigFailed', 'PhaseFailed', 'AgentsReverted', 'RolloutRolledBack']);
    const failed = ofType(decision, 'PhaseFailed')[0];
    expect(failed?.reasons).toEqual({ data_plane: 2 });
    expect(failed?.dataPlane).toMatchObject({
      canary: { agents: 2, reporting: 2, withoutOwnMetrics: 0 },
      control: { agents: 8, reporting: 8, withoutOwnMetrics: 0 },
      gates: [{ gate: 'exporter.failed_ratio <= control+0.01', canary: 1, control: 0, threshold: 0.01, outcome: 'fail' }],
    });
    // grouped like apply failures: one message for every canary
    expect(new Set(ofType(decision, 'AgentConfigFailed').map((event) => event.detail))).toEqual(new Set(['data-plane gate failed: exporter.failed_ratio <= control+0.01']));
  });

  it('passes, with a note, when every agent fails alike: the backend is down, not the config', () => {
    const scenario = givenCanariesApplied(FAILED_RATIO, figures(0, 600), figures(0, 600));

    const passed = ofType(scenario.when(tick(MIN)), 'PhasePassed')[0];

    expect(passed?.dataPlane?.gates[0]).toMatchObject({ canary: 1, control: 1, threshold: 1.01, outcome: 'pass' });
    expect(passed?.dataPlane?.gates[0]?.note).toMatch(/control is as bad .*backend outage/);
  });

  it('waits past the window while a canary has too few samples, then judges once it has them', () => {
    const scenario = givenCanariesApplied({ ...FAILED_RATIO, minAgentsPerCohort: 2 }, figures(600, 0, { samples: 2 }), figures(600, 0));

    const waiting = scenario.when(tick(MIN));

    // recorded once, with the cohorts as they stand and every gate waiting, so the views can say so
    expect(typesOf(waiting)).toEqual(['PhaseWaitingForData']);
    expect(waiting.ok && waiting.waiting).toMatch(/0 of 2 canary agents .* have 3 samples/);
    expect(ofType(waiting, 'PhaseWaitingForData')[0]?.dataPlane).toMatchObject({
      canary: { agents: 2, reporting: 0, withoutOwnMetrics: 0 },
      gates: [{ gate: 'exporter.failed_ratio <= control+0.01', canary: null, control: null, threshold: null, outcome: 'waiting' }],
      waiting: expect.stringMatching(/0 of 2 canary agents .* have 3 samples in the window, 2 needed/),
    });
    expect(effectsOf(waiting)).toContainEqual({ type: 'ArmTimer', rolloutId: 'r1', at: MIN + 2_000 });
    // the same reason is not recorded again; a changed one is
    expect(typesOf(scenario.when(tick(MIN + 2_000)))).toEqual([]);
    const [first] = scenario.targeted;
    scenario.facts = { fleetCaughtUp: true, telemetry: (agentId) => figures(600, 0, agentId === first ? {} : { samples: 2 }) };
    const more = scenario.when(tick(MIN + 4_000));
    expect(ofType(more, 'PhaseWaitingForData')[0]?.dataPlane.waiting).toMatch(/1 of 2 canary agents/);
    scenario.facts = { fleetCaughtUp: true, telemetry: () => figures(600, 0) };
    expect(typesOf(scenario.when(tick(MIN + 6_000)))).toContain('PhasePassed');
  });

  it('waits for the control cohort before judging a relative gate', () => {
    const scenario = givenCanariesApplied(FAILED_RATIO, figures(0, 600), figures(0, 0, { samples: 1 }));
    const decision = scenario.when(tick(MIN));
    expect(typesOf(decision)).toEqual(['PhaseWaitingForData']);
    expect(decision.ok && decision.waiting).toMatch(/control agents/);
  });

  it('judges agents without own metrics by the other gates only, and says so', () => {
    const scenario = givenCanariesApplied(FAILED_RATIO, null, figures(600, 0));

    const passed = ofType(scenario.when(tick(MIN)), 'PhasePassed')[0];

    expect(passed?.dataPlane?.canary).toEqual({ agents: 2, reporting: 0, withoutOwnMetrics: 2 });
    expect(passed?.dataPlane?.gates[0]).toMatchObject({ outcome: 'not_judged' });
    expect(passed?.dataPlane?.notes).toEqual([expect.stringMatching(/judged by the apply and health gates only/)]);
  });

  it('fails on throughput: the canaries send less than 80% of what the control sends', () => {
    const scenario = givenCanariesApplied({ gates: ['exporter.sent_rate >= control*0.8'] }, figures(300, 0), figures(600, 0));
    const failed = ofType(scenario.when(tick(MIN)), 'PhaseFailed')[0];
    expect(failed?.dataPlane?.gates[0]).toMatchObject({ canary: 5, control: 10, threshold: 8, outcome: 'fail' });
  });

  it('judges absolute gates without a control: memory growth over 20% fails in the last phase', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(2), plan: [{ percent: 100, windowMs: MIN }], dataPlane: { gates: ['memory.growth <= 0.2', 'exporter.failed_ratio <= control+0.01'] } }));
    appliedAndHealthy(scenario, scenario.targeted, 1000);
    scenario.facts = { fleetCaughtUp: true, telemetry: () => figures(600, 0, { memoryFirst: 100e6, memoryLast: 150e6 }) };

    const failed = ofType(scenario.when(tick(MIN)), 'PhaseFailed')[0];

    expect(failed?.dataPlane?.gates).toEqual([
      expect.objectContaining({ gate: 'memory.growth <= 0.2', canary: 0.5, outcome: 'fail' }),
      expect.objectContaining({ gate: 'exporter.failed_ratio <= control+0.01', outcome: 'not_judged', note: expect.stringMatching(/no control cohort/) }),
    ]);
  });

  it('records nothing new for rollouts without data-plane gates', () => {
    const scenario = givenCanariesApplied({ gates: [] }, figures(0, 600), figures(600, 0));
    const passed = ofType(scenario.when(tick(MIN)), 'PhasePassed')[0];
    expect(passed).toBeDefined();
    expect(passed).not.toHaveProperty('dataPlane');
    expect(scenario.current.settings).not.toHaveProperty('dataPlane');
  });

  it('refuses a rollout whose gate does not parse, naming the gate', () => {
    const decision = decide(null, startCommand({ fleet: fleetOf(3), dataPlane: { gates: ['exporter.failed_ratio =< 0.1'] } }));
    expect(decision).toMatchObject({ ok: false, error: { code: 'gate.invalid_expression', details: { gate: 'exporter.failed_ratio =< 0.1' } } });
    const unknown = decide(null, startCommand({ fleet: fleetOf(3), dataPlane: { gates: ['exporter.lost_ratio <= 0.1'] } }));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'gate.unknown_metric' } });
  });
});

describe('gate expressions', () => {
  it.each([
    ['exporter.failed_ratio <= control+0.01', { metric: 'exporter.failed_ratio', op: '<=', bound: { kind: 'control_plus', offset: 0.01 } }],
    ['exporter.sent_rate>=control*0.8', { metric: 'exporter.sent_rate', op: '>=', bound: { kind: 'control_times', factor: 0.8 } }],
    ['receiver.refused_ratio < 0.05', { metric: 'receiver.refused_ratio', op: '<', bound: { kind: 'absolute', value: 0.05 } }],
    ['memory.growth <= control - 0.1', { metric: 'memory.growth', op: '<=', bound: { kind: 'control_plus', offset: -0.1 } }],
    ['exporter.queue_fill <= control', { metric: 'exporter.queue_fill', op: '<=', bound: { kind: 'control_plus', offset: 0 } }],
  ])('reads %s and writes it back canonically', (text, gate) => {
    const parsed = parseGateExpression(text);
    expect(parsed).toEqual({ ok: true, value: gate });
    if (parsed.ok) expect(parseGateExpression(formatGate(parsed.value))).toEqual(parsed);
  });

  it.each(['', 'exporter.failed_ratio', 'exporter.failed_ratio <= control+', 'exporter.failed_ratio <= baseline', 'exporter.sent_rate >= control*-1'])('refuses %j', (text) => {
    expect(parseGateExpression(text).ok).toBe(false);
  });
});
