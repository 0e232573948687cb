import { summarize, type PhaseSpec, type StartRollout } from './index';
import {
  appliedAndHealthy,
  command,
  disconnected,
  effectsOf,
  failedStatus,
  fleetOf,
  MIN,
  ofType,
  RolloutScenario,
  startCommand,
  targetedIds,
  tick,
  typesOf,
} from './testing/rollout-fixtures';

const tenThenAll: PhaseSpec[] = [{ count: 10, windowMs: MIN }, { percent: 100 }];

function started(overrides: Partial<StartRollout> & { size?: number } = {}): RolloutScenario {
  const { size = 100, ...rest } = overrides;
  return RolloutScenario.given(startCommand({ fleet: fleetOf(size), ...rest }));
}

describe('gates', () => {
  it('passes a phase only once its window has elapsed, even when every canary applied at once', () => {
    const scenario = started();
    appliedAndHealthy(scenario, scenario.targeted, 1000);
    expect(typesOf(scenario.when(tick(299_999)))).toEqual([]);
    const decision = scenario.when(tick(300_000));
    expect(typesOf(decision).slice(0, 2)).toEqual(['PhasePassed', 'PhaseStarted']);
    expect(ofType(decision, 'PhasePassed')[0]).toMatchObject({ phase: 0, by: 'gate', population: 2, applied: 2, failed: 0, allowedFailures: 0 });
    expect(targetedIds(decision)).toHaveLength(8);
  });

  it('arms the timer at the end of the window', () => {
    const scenario = started();
    appliedAndHealthy(scenario, scenario.targeted, 1000);
    expect(effectsOf(scenario.when(tick(1000)))).toContainEqual({ type: 'ArmTimer', rolloutId: 'r1', at: 300_000 });
  });

  it('waits after the window until every connected agent has an outcome, then passes on the last report', () => {
    const scenario = started({ plan: tenThenAll });
    const [late, ...rest] = scenario.targeted;
    appliedAndHealthy(scenario, rest, 1000);
    expect(typesOf(scenario.when(tick(MIN)))).toEqual([]);
    appliedAndHealthy(scenario, [late!], 90_000);
    expect(ofType(scenario.history, 'PhasePassed')).toEqual([expect.objectContaining({ at: 90_000, applied: 10 })]);
  });

  it('passes with failures at the threshold: 1 failed of 10 at 10%', () => {
    const scenario = started({ plan: tenThenAll });
    const [bad, ...good] = scenario.targeted;
    expect(typesOf(scenario.when(failedStatus(bad!, 500)))).toEqual(['AgentConfigFailed']);
    appliedAndHealthy(scenario, good, 1000);
    expect(ofType(scenario.when(tick(MIN)), 'PhasePassed')[0]).toMatchObject({ population: 10, applied: 9, failed: 1, allowedFailures: 1 });
  });

  it('fails as soon as failures exceed the threshold, without waiting for the window', () => {
    const scenario = started({ plan: tenThenAll });
    const [first, second] = scenario.targeted;
    scenario.when(failedStatus(first!, 500));
    const decision = scenario.when(failedStatus(second!, 600));
    expect(typesOf(decision).slice(0, 2)).toEqual(['AgentConfigFailed', 'PhaseFailed']);
    expect(ofType(decision, 'PhaseFailed')[0]).toMatchObject({ phase: 0, population: 10, failed: 2, allowedFailures: 1, reasons: { apply_failed: 2 } });
  });

  it('fails a two-agent canary phase at its first failure, since 10% of 2 allows none', () => {
    const scenario = started();
    expect(typesOf(scenario.when(failedStatus(scenario.targeted[0]!, 500)))).toContain('PhaseFailed');
  });

  it('does not wait for a disconnected agent to pass a phase', () => {
    const scenario = started({ plan: tenThenAll });
    const [gone, ...rest] = scenario.targeted;
    scenario.when(disconnected(gone!, 500));
    appliedAndHealthy(scenario, rest, 1000);
    expect(ofType(scenario.when(tick(MIN)), 'PhasePassed')[0]).toMatchObject({ applied: 9, disconnected: 1 });
  });

  it('lets a phase pass with some agents pending when the minimum outcome ratio allows it', () => {
    const scenario = started({ plan: tenThenAll, minOutcomeRatio: 0.8 });
    appliedAndHealthy(scenario, scenario.targeted.slice(0, 8), 1000);
    expect(ofType(scenario.when(tick(MIN)), 'PhasePassed')[0]).toMatchObject({ applied: 8, pending: 2 });
  });

  it('waits at a phase that requires approval until an operator promotes it, and says so once', () => {
    const scenario = started({ plan: [{ count: 2, windowMs: MIN, requireApproval: true }, { percent: 100 }] });
    appliedAndHealthy(scenario, scenario.targeted, 1000);
    const awaiting = scenario.when(tick(MIN));
    expect(typesOf(awaiting)).toEqual(['PhaseAwaitingApproval']);
    expect(effectsOf(awaiting).filter((effect) => effect.type === 'Notify')).toEqual([
      {
        type: 'Notify',
        rolloutId: 'r1',
        kind: 'awaiting_approval',
        message: 'rollout r1: phase phase-1 passed its gate (2 of 2 agents applied, 0 failed, 0 allowed) and awaits approval; promote to continue, or roll back or abort',
      },
    ]);
    // Told once: later ticks while it waits say nothing more.
    const later = scenario.when(tick(10 * MIN));
    expect(typesOf(later)).toEqual([]);
    expect(effectsOf(later).filter((effect) => effect.type === 'Notify')).toEqual([]);
    const promoted = scenario.when(command('PromoteRollout', 11 * MIN));
    expect(typesOf(promoted).slice(0, 3)).toEqual(['RolloutPromoted', 'PhasePassed', 'PhaseStarted']);
    expect(ofType(promoted, 'PhasePassed')[0]).toMatchObject({ by: 'promote' });
  });

  it('still fails early while waiting for approval', () => {
    const scenario = started({ size: 20, plan: [{ count: 2, windowMs: MIN, requireApproval: true }, { percent: 100 }] });
    appliedAndHealthy(scenario, scenario.targeted, 1000);
    scenario.when(tick(MIN));
    expect(typesOf(scenario.when(failedStatus(scenario.targeted[0]!, MIN + 1)))).toContain('PhaseFailed');
  });

  it('passes several phases in one decision when windows are zero and no new agent is added', () => {
    const scenario = started({ size: 3, plan: [{ percent: 2 }, { percent: 10 }, { percent: 100 }] });
    scenario.when(tick(0));
    const decision = scenario.when({ type: 'HealthReported', agentId: scenario.targeted[0]!, healthy: true, lastError: '', observedAt: 10, now: 10 });
    expect(typesOf(decision)).toEqual(['AgentHealthChanged']);
    const applied = scenario.when({ type: 'RemoteConfigStatusReported', agentId: scenario.targeted[0]!, hash: 'cfg-new', status: 'APPLIED', errorMessage: '', now: 20 });
    expect(typesOf(applied)).toEqual(['AgentConfigApplied', 'PhasePassed', 'PhaseStarted', 'PhasePassed', 'PhaseStarted', 'AgentsTargeted']);
  });

  it('counts failures of earlier phases in later gates: the population is cumulative', () => {
    const scenario = started({ size: 20, plan: [{ count: 10, windowMs: MIN }, { count: 15, windowMs: MIN }, { percent: 100 }] });
    const [bad, ...good] = scenario.targeted;
    scenario.when(failedStatus(bad!, 500));
    appliedAndHealthy(scenario, good, 1000);
    scenario.when(tick(MIN));
    const second = scenario.targeted.slice(10);
    scenario.when(failedStatus(second[0]!, MIN + 100));
    expect(summarize(scenario.current).status).toBe('rolled_back');
    expect(ofType(scenario.history, 'PhaseFailed')[0]).toMatchObject({ phase: 1, population: 15, failed: 2, allowedFailures: 1 });
  });

  it('fails the rollout when every targeted agent has left and none can take its place', () => {
    const scenario = started({ size: 1, disconnectedPolicy: 'exclude', plan: [{ percent: 100, windowMs: MIN }] });
    scenario.when(disconnected(scenario.targeted[0]!, 1000));
    const decision = scenario.when(tick(61_000));
    expect(typesOf(decision)).toEqual(['AgentExcluded', 'AgentsReleased', 'RolloutFailed']);
    expect(effectsOf(decision)).toEqual([
      { type: 'SetDesiredConfig', rolloutId: 'r1', assignments: [{ agentId: scenario.targeted[0], configHash: 'cfg-previous' }] },
      { type: 'Notify', rolloutId: 'r1', kind: 'failed', message: 'rollout r1 failed: every targeted agent left the rollout, so no gate can be judged' },
      { type: 'DisarmTimer', rolloutId: 'r1' },
    ]);
  });
});
