import { lateReportsUntil, openReverts } from './late-outcomes';
import { summarize } from './summary';
import { rolloutAgent } from './summary';
import { appliedStatus, command, effectsOf, failedStatus, fleetOf, MIN, OLD, RolloutScenario, startCommand, tick, typesOf } from './testing/rollout-fixtures';

/** Two canaries of a 100-agent fleet at threshold 0: one failure fails the phase at once. */
function canaries(): RolloutScenario {
  return RolloutScenario.given(startCommand({ fleet: fleetOf(100), threshold: 0 }));
}

describe('the record after the decision', () => {
  it('records a canary FAILED that arrives after the fail-early decision: 2 failed, not "1 failed, 1 pending"', () => {
    const scenario = canaries();
    const [first, second] = scenario.targeted;
    scenario.when(failedStatus(first!, 100));
    expect(scenario.current.status).toBe('rolled_back');

    expect(typesOf(scenario.when(failedStatus(second!, 105)))).toEqual(['AgentConfigFailed']);
    expect(summarize(scenario.current)).toMatchObject({ failed: 2, pending: 0, reverted: 0 });
  });

  it("records each reverted agent's own revert outcome: APPLIED for the config it went back to, or FAILED", () => {
    const scenario = canaries();
    const [first, second] = scenario.targeted;
    scenario.when(appliedStatus(first!, 50));
    scenario.when(command('RollbackRollout', 100));
    expect(openReverts(scenario.current)).toBe(2);

    expect(typesOf(scenario.when(appliedStatus(first!, 200, OLD)))).toEqual(['AgentRevertApplied']);
    const failed = scenario.when({ type: 'RemoteConfigStatusReported', agentId: second!, hash: OLD, status: 'FAILED', errorMessage: 'port 4317 in use', now: 300 });
    expect(typesOf(failed)).toEqual(['AgentRevertFailed']);
    expect(effectsOf(failed)).toEqual([]);

    expect(rolloutAgent(scenario.current, first!)?.revert?.outcome).toEqual({ state: 'applied', at: 200, detail: '' });
    expect(rolloutAgent(scenario.current, second!)?.revert?.outcome).toEqual({ state: 'failed', at: 300, detail: 'port 4317 in use' });
    expect(openReverts(scenario.current)).toBe(0);
    expect(summarize(scenario.current)).toMatchObject({ reverted: 2, pending: 0, applied: 0 });
  });

  it('watches an ended rollout for late reports while a revert is open, then for the apply timeout', () => {
    const scenario = canaries();
    scenario.when(command('RollbackRollout', 100));
    expect(lateReportsUntil(scenario.current)).toBe(100 + 3_600_000);
    for (const agentId of scenario.targeted) scenario.when(appliedStatus(agentId, 200, OLD));
    expect(lateReportsUntil(scenario.current)).toBe(100 + Math.max(MIN, scenario.current.settings.timing.applyTimeoutMs));
  });

  it('changes nothing else once ended: no timers, no targeting, no expiry', () => {
    const scenario = canaries();
    scenario.when(command('AbortRollout', 100));
    expect(effectsOf(scenario.when(tick(10 * MIN)))).toEqual([]);
    expect(typesOf(scenario.when(appliedStatus(scenario.targeted[0]!, 10 * MIN)))).toEqual([]);
  });
});

describe('no undelivered assignment outlives a rollout', () => {
  it('completes with agents that never applied put back on the config they ran', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(10), plan: [{ percent: 100, windowMs: MIN }], minOutcomeRatio: 0.5 }));
    const [slow, ...rest] = scenario.targeted;
    for (const agentId of rest) {
      scenario.when(appliedStatus(agentId, 100));
      scenario.when({ type: 'HealthReported', agentId, healthy: true, lastError: '', observedAt: 100, now: 100 });
    }
    const decision = scenario.when(tick(MIN));

    expect(scenario.current.status).toBe('completed');
    expect(effectsOf(decision)).toContainEqual({ type: 'SetDesiredConfig', rolloutId: 'r1', assignments: [{ agentId: slow, configHash: OLD }] });
    expect(summarize(scenario.current)).toMatchObject({ applied: 9, released: 1, pending: 0 });
  });

  it('releases an agent that never had a remote config to no config at all', () => {
    const fleet = fleetOf(1);
    const scenario = RolloutScenario.given(startCommand({ fleet, previousConfigHashes: {}, acceptKeepNewOnFailure: true, plan: [{ percent: 100 }] }));
    const decision = scenario.when(command('AbortRollout', 10));

    expect(effectsOf(decision)).toContainEqual({ type: 'SetDesiredConfig', rolloutId: 'r1', assignments: [{ agentId: fleet[0]!.agentId, configHash: null }] });
  });
});
