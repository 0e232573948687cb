import { decide, decodeRolloutEvent, encodeRolloutEvent, startWarnings, type RolloutState } from './index';
import { fleetOf, ofType, startCommand, targetedIds } from './testing/rollout-fixtures';
import type { StartRollout } from './inputs';

function started(command: StartRollout): { state: RolloutState; targeted: number } {
  const decision = decide(null, command);
  if (!decision.ok || decision.state === null) throw new Error(`expected a start, got ${decision.ok ? 'no state' : decision.error.message}`);
  return { state: decision.state, targeted: targetedIds(decision).length };
}

describe('start warnings and the minimum canary size', () => {
  it('warns of a single-agent canary in a large group, and a minimum canary size widens every phase to it', () => {
    const single = started(startCommand({ fleet: fleetOf(40) }));
    expect(single.targeted).toBe(1);
    expect(startWarnings(single.state).map((w) => w.code)).toEqual(['canary.single_agent']);
    expect(startWarnings(single.state)[0]?.message).toContain('targets 1 agent of 40');

    const floored = decide(null, startCommand({ fleet: fleetOf(40), minCanaryAgents: 5 }));
    expect(targetedIds(floored)).toHaveLength(5);
    expect(ofType(floored, 'PhaseStarted')[0]).toMatchObject({ allowance: 5 });
    expect(ofType(floored, 'RolloutStarted')[0]?.settings.minCanaryAgents).toBe(5);
    if (!floored.ok || floored.state === null) throw new Error('expected a start');
    expect(startWarnings(floored.state)).toEqual([]);
  });

  it('keeps the minimum canary size through the event codec, so a new leader replays the same allowances', () => {
    const [startedEvent] = ofType(decide(null, startCommand({ fleet: fleetOf(40), minCanaryAgents: 5 })), 'RolloutStarted');
    if (startedEvent === undefined) throw new Error('expected RolloutStarted');
    expect(decodeRolloutEvent(encodeRolloutEvent(startedEvent))).toEqual(startedEvent);
  });

  it('caps the minimum canary size at the members, and records nothing for the default of one', () => {
    expect(targetedIds(decide(null, startCommand({ fleet: fleetOf(3), minCanaryAgents: 10 })))).toHaveLength(3);
    expect(ofType(decide(null, startCommand({ fleet: fleetOf(3), minCanaryAgents: 1 })), 'RolloutStarted')[0]?.settings).not.toHaveProperty('minCanaryAgents');
  });

  it('refuses a minimum canary size that is not a whole number of agents', () => {
    for (const minCanaryAgents of [0, 2.5, -1]) {
      const decision = decide(null, startCommand({ fleet: fleetOf(3), minCanaryAgents }));
      expect(decision.ok ? null : decision.error.code).toBe('plan.invalid_min_canary');
    }
  });

  it('warns when a phase window ends before an unhealthy agent could count as failed, naming the phases, but not for the last phase', () => {
    const plan = [{ name: 'canary', percent: 10, windowMs: 10_000 }, { name: 'half', percent: 50, windowMs: 60_000 }, { name: 'all', percent: 100, windowMs: 0 }];
    const { state } = started(startCommand({ fleet: fleetOf(10), plan, timing: { healthGraceMs: 30_000 } }));
    const warnings = startWarnings(state);
    expect(warnings.map((w) => w.code)).toEqual(['window.shorter_than_health_grace']);
    expect(warnings[0]?.message).toContain('the window of canary (10 s) is shorter than the health grace (30 s)');
    expect(warnings[0]?.message).not.toContain('half');
  });

  it('has nothing to say about the default plan on a small group', () => {
    expect(startWarnings(started(startCommand({ fleet: fleetOf(10) })).state)).toEqual([]);
  });
});
