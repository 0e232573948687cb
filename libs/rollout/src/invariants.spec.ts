import type { DesiredEntry, ReportedConfig } from './agent-truth';
import { agentTruth } from './agent-truth';
import { checkInvariants } from './invariants';
import type { RolloutState } from './state';
import { appliedAndHealthy, command, fleetOf, NEW, OLD, RolloutScenario, startCommand } from './testing/rollout-fixtures';

const entry = (configHash: string | null, rolloutId: string | null = 'r1'): DesiredEntry => ({ configHash, rolloutId, setAt: 1 });
const applied = (hash: string): ReportedConfig => ({ hash, status: 'APPLIED', at: 1 });
const rollouts = (...states: RolloutState[]): Map<string, RolloutState> => new Map(states.map((state) => [state.settings.rolloutId, state]));

/** A rollout of 100 agents in its canary phase (2 targeted), aborted before either applied. */
function abortedCanaries(): RolloutScenario {
  const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(100) }));
  scenario.when(command('AbortRollout', 1_000));
  return scenario;
}

describe('the truth about one agent', () => {
  it("justifies an active rollout's assignment", () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(100) }));
    const [canary] = scenario.targeted;
    expect(agentTruth(canary!, entry(NEW), null, rollouts(scenario.current)).why).toEqual({ kind: 'active_rollout', rolloutId: 'r1' });
  });

  it('justifies a released entry: what the agent ran before', () => {
    const scenario = abortedCanaries();
    const truth = agentTruth(scenario.targeted[0]!, entry(OLD), null, rollouts(scenario.current));
    expect(truth.why).toEqual({ kind: 'released', rolloutId: 'r1' });
  });

  it('justifies whatever the agent reports APPLIED, and says it was delivered', () => {
    const truth = agentTruth('agent-x', entry('cfg-anything', null), applied('cfg-anything'), new Map());
    expect(truth).toMatchObject({ why: { kind: 'runs_it' }, delivered: true });
  });

  it('keeps the config of a completed rollout the agent applied', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(1), plan: [{ percent: 100 }] }));
    appliedAndHealthy(scenario, scenario.targeted, 10);
    expect(scenario.current.status).toBe('completed');
    expect(agentTruth(scenario.targeted[0]!, entry(NEW), null, rollouts(scenario.current)).why).toEqual({ kind: 'kept', rolloutId: 'r1' });
  });
});

describe('checkInvariants', () => {
  it('finds nothing wrong in what an aborted rollout leaves behind', () => {
    const scenario = abortedCanaries();
    const desired = new Map(scenario.targeted.map((agentId) => [agentId, entry(OLD)]));
    expect(checkInvariants({ rollouts: rollouts(scenario.current), desired, reported: () => applied(OLD) })).toEqual([]);
  });

  it("flags an aborted rollout's config written into agent-desired by hand: a config outside any rollout", () => {
    const scenario = abortedCanaries();
    const [canary] = scenario.targeted;
    const desired = new Map([[canary!, entry(NEW)]]);

    expect(checkInvariants({ rollouts: rollouts(scenario.current), desired, reported: () => applied(OLD) })).toEqual([
      { rule: 'config_outside_rollout', agentId: canary, rolloutId: 'r1', detail: `rollout r1 (aborted) assigns this agent ${OLD}, not ${NEW}` },
    ]);
  });

  it('flags an entry naming a rollout nobody knows, and one set outside any rollout that the agent does not run', () => {
    const desired = new Map([
      ['agent-a', entry(NEW, 'r-unknown')],
      ['agent-b', entry(NEW, null)],
    ]);
    expect(checkInvariants({ rollouts: new Map(), desired, reported: () => null }).map((v) => [v.rule, v.agentId])).toEqual([
      ['config_outside_rollout', 'agent-a'],
      ['config_outside_rollout', 'agent-b'],
    ]);
  });

  it('flags an agent held by two active rollouts', () => {
    const fleet = fleetOf(2);
    const first = RolloutScenario.given(startCommand({ fleet, plan: [{ percent: 100, windowMs: 60_000 }] })).current;
    const second = RolloutScenario.given(startCommand({ rolloutId: 'r2', fleet, plan: [{ percent: 100, windowMs: 60_000 }] })).current;
    const violations = checkInvariants({ rollouts: rollouts(first, second), desired: new Map(), reported: () => null });
    expect(violations.map((v) => [v.rule, v.agentId, v.rolloutId]).sort()).toEqual([
      ['agent_in_two_rollouts', 'agent-000', 'r2'],
      ['agent_in_two_rollouts', 'agent-001', 'r2'],
    ]);
  });

  it('flags an ended rollout that still shows an agent pending', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(100) }));
    const active = scenario.current;
    // An ended status over records that were never settled: what a rollout looked like before releases existed.
    const ended: RolloutState = { ...active, status: 'aborted', endedAt: 5 };
    expect(checkInvariants({ rollouts: rollouts(ended), desired: new Map(), reported: () => null }).map((v) => v.rule)).toEqual([
      'terminal_rollout_pending',
      'terminal_rollout_pending',
    ]);
  });
});
