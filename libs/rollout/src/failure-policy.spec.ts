import type { PhaseSpec, StartRollout } from './index';
import { summarize } from './index';
import {
  appliedAndHealthy,
  BASELINE,
  command,
  effectsOf,
  failedStatus,
  fleetOf,
  id,
  MIN,
  NEW,
  ofType,
  revertedAgents,
  RolloutScenario,
  startCommand,
  tick,
  typesOf,
} from './testing/rollout-fixtures';

const plan: PhaseSpec[] = [{ count: 2, windowMs: MIN }, { count: 10, windowMs: MIN }, { percent: 100 }];
const ownPrevious = (agentId: string): string => `cfg-before-${agentId}`;

/** 20 agents, each with its own previous config; the canaries pass, then phase 2 is under way. */
function inSecondPhase(overrides: Partial<StartRollout> = {}): RolloutScenario {
  const fleet = fleetOf(20);
  const previousConfigHashes = Object.fromEntries(fleet.map((a) => [a.agentId, ownPrevious(a.agentId)]));
  const scenario = RolloutScenario.given(startCommand({ fleet, plan, previousConfigHashes, ...overrides }));
  appliedAndHealthy(scenario, scenario.targeted, 1000);
  scenario.when(tick(MIN));
  return scenario;
}

function failTwoEarlyAdopters(scenario: RolloutScenario, now: number) {
  const early = scenario.targeted.slice(2);
  scenario.when(failedStatus(early[0]!, now));
  return scenario.when(failedStatus(early[1]!, now + 1));
}

describe('failure policy rollback (the default)', () => {
  it('reverts every agent touched in every phase so far, each to its own previous config', () => {
    const scenario = inSecondPhase();
    expect(scenario.targeted).toHaveLength(10);
    const decision = failTwoEarlyAdopters(scenario, MIN + 500);
    const touched = [...scenario.targeted].sort();
    expect(revertedAgents(decision).map((agent) => [agent.agentId, agent.configHash, agent.source])).toEqual(
      touched.map((agentId) => [agentId, ownPrevious(agentId), 'previous']),
    );
    expect(ofType(decision, 'RolloutRolledBack')).toEqual([expect.objectContaining({ cause: 'phase_failed', reverted: 10, keptNew: 0 })]);
    expect(effectsOf(decision)).toEqual([
      { type: 'SetDesiredConfig', rolloutId: 'r1', assignments: touched.map((agentId) => ({ agentId, configHash: ownPrevious(agentId) })) },
      { type: 'Notify', rolloutId: 'r1', kind: 'rolled_back', message: 'rollout r1 rolled back after a failed phase: 10 agents reverted to their previous config' },
      { type: 'DisarmTimer', rolloutId: 'r1' },
    ]);
    expect(summarize(scenario.current).status).toBe('rolled_back');
  });

  it('sends agents that never had a remote config to the baseline', () => {
    const fleet = fleetOf(20);
    const scenario = RolloutScenario.given(startCommand({ fleet, plan, previousConfigHashes: { [id(0)]: 'cfg-zero' }, baselineConfigHash: BASELINE }));
    appliedAndHealthy(scenario, scenario.targeted, 1000);
    scenario.when(tick(MIN));
    const decision = failTwoEarlyAdopters(scenario, MIN + 500);
    for (const agent of revertedAgents(decision)) {
      expect([agent.configHash, agent.source]).toEqual(agent.agentId === id(0) ? ['cfg-zero', 'previous'] : [BASELINE, 'baseline']);
    }
  });

  it('leaves agents without a previous config on the new config when the rollout accepted that, and says how many', () => {
    const scenario = inSecondPhase({ previousConfigHashes: {}, acceptKeepNewOnFailure: true });
    const decision = failTwoEarlyAdopters(scenario, MIN + 500);
    expect(revertedAgents(decision).every((agent) => agent.source === 'kept_new' && agent.configHash === NEW)).toBe(true);
    expect(ofType(decision, 'RolloutRolledBack')[0]).toMatchObject({ reverted: 0, keptNew: 10 });
    expect(effectsOf(decision).map((effect) => effect.type)).toEqual(['Notify', 'DisarmTimer']);
    expect(effectsOf(decision)[0]).toMatchObject({ message: expect.stringContaining('10 without a previous config keep the new one') });
  });
});

describe('failure policy pause', () => {
  it('pauses for an operator and notifies, touching no config', () => {
    const scenario = inSecondPhase({ policy: 'pause' });
    const decision = failTwoEarlyAdopters(scenario, MIN + 500);
    expect(typesOf(decision)).toEqual(['AgentConfigFailed', 'PhaseFailed', 'RolloutPaused']);
    expect(ofType(decision, 'RolloutPaused')[0]).toMatchObject({ cause: 'phase_failed' });
    const effects = effectsOf(decision);
    expect(effects.some((effect) => effect.type === 'SetDesiredConfig')).toBe(false);
    expect(effects).toContainEqual({
      type: 'Notify',
      rolloutId: 'r1',
      kind: 'paused',
      message: 'rollout r1 paused: phase phase-2 failed (2 of 10 agents, 1 allowed); promote to continue anyway, roll back or abort',
    });
  });

  it('refuses to resume after a failed phase, naming promote, roll back and abort', () => {
    const scenario = inSecondPhase({ policy: 'pause' });
    failTwoEarlyAdopters(scenario, MIN + 500);
    const decision = scenario.when(command('ResumeRollout', MIN + 1000));
    expect(decision).toEqual({
      ok: false,
      error: {
        code: 'transition.illegal',
        message: 'cannot resume rollout r1 (paused): phase phase-2 failed; promote to continue anyway, roll back, or abort',
        details: { from: 'paused', action: 'ResumeRollout' },
      },
    });
  });

  it('continues past the failed phase when an operator promotes it as an override', () => {
    const scenario = inSecondPhase({ policy: 'pause' });
    failTwoEarlyAdopters(scenario, MIN + 500);
    const decision = scenario.when(command('PromoteRollout', MIN + 1000));
    expect(typesOf(decision).slice(0, 3)).toEqual(['RolloutPromoted', 'PhasePassed', 'PhaseStarted']);
    expect(ofType(decision, 'PhasePassed')[0]).toMatchObject({ by: 'promote', failed: 2 });
    expect(summarize(scenario.current)).toMatchObject({ status: 'in_progress', targeted: 20 });
  });

  it('reverts everyone touched when an operator rolls back the paused rollout', () => {
    const scenario = inSecondPhase({ policy: 'pause' });
    failTwoEarlyAdopters(scenario, MIN + 500);
    const decision = scenario.when(command('RollbackRollout', MIN + 1000));
    expect(ofType(decision, 'RolloutRolledBack')[0]).toMatchObject({ cause: 'operator', reverted: 10 });
  });
});
