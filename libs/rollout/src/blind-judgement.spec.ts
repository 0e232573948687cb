import { decide } from './decide';
import { HELD_RECHECK_MS } from './inputs';
import { appliedAndHealthy, effectsOf, fleetOf, MIN, RolloutScenario, startCommand, typesOf } from './testing/rollout-fixtures';

const STALE = { fleetCaughtUp: false };

/** 100 agents, canaries (2) in a one-minute window. */
function canaries(): RolloutScenario {
  return RolloutScenario.given(startCommand({ fleet: fleetOf(100), plan: [{ percent: 2, windowMs: MIN }, { percent: 100 }], timing: { applyTimeoutMs: 30_000 } }));
}

describe('no judgement blind', () => {
  it('holds an apply timeout while the fleet view is behind, and says why', () => {
    const scenario = canaries();
    const decision = decide(scenario.current, { type: 'Tick', now: 31_000 }, STALE);

    expect(typesOf(decision)).toEqual([]);
    expect(decision.ok && decision.held).toMatch(/fleet view is behind/);
    expect(effectsOf(decision)).toEqual([{ type: 'ArmTimer', rolloutId: 'r1', at: 31_000 + HELD_RECHECK_MS }]);
  });

  it('judges the same timeout once the view has caught up', () => {
    const scenario = canaries();
    const decision = decide(scenario.current, { type: 'Tick', now: 31_000 });

    expect(typesOf(decision)).toContain('AgentConfigFailed');
    expect(decision.ok && decision.held).toBeUndefined();
  });

  it('holds a gate that would pass, then passes it when caught up', () => {
    const scenario = canaries();
    appliedAndHealthy(scenario, scenario.targeted, 1_000);

    expect(typesOf(decide(scenario.current, { type: 'Tick', now: MIN }, STALE))).toEqual([]);
    expect(typesOf(decide(scenario.current, { type: 'Tick', now: MIN }))).toContain('PhasePassed');
  });

  it('still records what agents report while the view is behind', () => {
    const scenario = canaries();
    const [canary] = scenario.targeted;
    const decision = decide(scenario.current, { type: 'RemoteConfigStatusReported', agentId: canary!, hash: 'cfg-new', status: 'APPLIED', errorMessage: '', now: 500 }, STALE);

    expect(typesOf(decision)).toEqual(['AgentConfigApplied']);
  });
});
