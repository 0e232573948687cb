import { decide, evolve, heldAgents, nextDeadline, replay, ROLLOUT_EVENT_TYPES, type RolloutEvent } from './index';
import { simulateRollout } from './testing';
import {
  appliedAndHealthy,
  command,
  effectsOf,
  eventsOf,
  failedStatus,
  fleetOf,
  MIN,
  RolloutScenario,
  startCommand,
  tick,
} from './testing/rollout-fixtures';

describe('the rollout state machine', () => {
  it('is pending while it enrols its members and in progress once its first phase starts', () => {
    const [started, enrolled, phase] = eventsOf(decide(null, startCommand({ fleet: fleetOf(10) })));
    const pending = evolve(evolve(null, started!), enrolled!);
    expect(pending.status).toBe('pending');
    expect(evolve(pending, phase!).status).toBe('in_progress');
  });

  it.each([
    ['in_progress → paused → in_progress → completed', ['PauseRollout', 'ResumeRollout', 'apply', 'PromoteRollout'], ['paused', 'in_progress', 'in_progress', 'completed']],
    ['in_progress → paused → aborted', ['PauseRollout', 'AbortRollout'], ['paused', 'aborted']],
    ['in_progress → paused → rolled_back', ['PauseRollout', 'RollbackRollout'], ['paused', 'rolled_back']],
    ['in_progress → rolled_back on failure', ['fail'], ['rolled_back']],
    ['in_progress → aborted', ['AbortRollout'], ['aborted']],
  ] as const)('walks %s', (_, steps, statuses) => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(2), plan: [{ percent: 100, windowMs: MIN }] }));
    const seen = steps.map((step, i) => {
      const now = (i + 1) * 1000;
      if (step === 'apply') appliedAndHealthy(scenario, scenario.targeted, now);
      else if (step === 'fail') scenario.when(failedStatus(scenario.targeted[0]!, now));
      else expect(scenario.when(command(step, now)).ok).toBe(true);
      return scenario.current.status;
    });
    expect(seen).toEqual(statuses);
  });

  it('gives every event a known type, schema version 1, the rollout id and a sequential id', () => {
    const result = simulateRollout({
      rollout: { rolloutId: 'r7', target: { kind: 'group', group: 'production' }, configHash: 'cfg-new' },
      agents: fleetOf(50).map((a, i) => ({ agentId: a.agentId, behaviour: i % 7 === 0 ? { kind: 'fails_apply' } : { kind: 'healthy' } })),
    });
    expect(result.events.length).toBeGreaterThan(10);
    result.events.forEach((event, i) => {
      expect(ROLLOUT_EVENT_TYPES).toContain(event.type);
      expect(event).toMatchObject({ schemaVersion: 1, rolloutId: 'r7', id: `r7/${i + 1}` });
    });
  });

  it('keeps events JSON-serialisable: replaying their JSON copy rebuilds the same state', () => {
    const result = simulateRollout({
      rollout: { rolloutId: 'r1', target: { kind: 'group', group: 'production' }, configHash: 'cfg-new', stratifyBy: 'cloud.region' },
      agents: fleetOf(40).map((a, i) => ({ agentId: a.agentId, nonIdentifying: { 'cloud.region': `region-${i % 3}` }, behaviour: i === 5 ? { kind: 'disconnects', afterMs: 10_000 } : { kind: 'healthy' } })),
    });
    const copy = JSON.parse(JSON.stringify(result.events)) as RolloutEvent[];
    expect(replay(copy)).toEqual(result.state);
  });

  it('refuses to evolve an event that comes before RolloutStarted', () => {
    const events = eventsOf(decide(null, startCommand({ fleet: fleetOf(3) })));
    expect(() => evolve(null, events[2]!)).toThrow('PhaseStarted (r1/3) before RolloutStarted');
  });

  it('decides nothing for observations and ticks once the rollout ended', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(3) }));
    scenario.when(command('AbortRollout', 10));
    expect(eventsOf(scenario.when(tick(10 * MIN)))).toEqual([]);
    expect(effectsOf(scenario.when(failedStatus(scenario.targeted[0]!, 20)))).toEqual([]);
  });

  it('tells a restarted orchestrator when to tick next, as the last armed timer did', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(100) }));
    appliedAndHealthy(scenario, scenario.targeted, 1000);
    const armed = effectsOf(scenario.when(tick(2000))).find((effect) => effect.type === 'ArmTimer');
    expect(armed).toEqual({ type: 'ArmTimer', rolloutId: 'r1', at: 300_000 });
    expect(nextDeadline(replay(scenario.history)!, 2000)).toBe(300_000);
  });

  it('holds its members while active and releases them when it ends', () => {
    const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(5) }));
    expect(heldAgents(scenario.current)).toEqual(fleetOf(5).map((a) => a.agentId));
    scenario.when(command('AbortRollout', 10));
    expect(heldAgents(scenario.current)).toEqual([]);
  });
});
