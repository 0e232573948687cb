import fc from 'fast-check';
import { AGENTS_PER_EVENT, cohortKey, cohortOrder, decide, forecastRollout, replay, rolloutAgent, type RolloutState } from './index';
import { FILL_CHUNK } from './phase-fill';
import { appliedAndHealthy, disconnected, effectsOf, fleetOf, ofType, RolloutScenario, startCommand, targetedIds, tick } from './testing/rollout-fixtures';

const AGENTS = 2 * FILL_CHUNK + 2_000;
const fleet = fleetOf(AGENTS);
const inCohortOrder = (agentIds: readonly string[]): string[] => cohortOrder('r1', agentIds.map((agentId) => ({ agentId, cohortKey: cohortKey('r1', agentId), stratum: null })));
const targetedOf = (state: RolloutState): number => state.counts.pending + state.counts.ready;

describe('a phase start over many agents', () => {
  it(`targets at most ${FILL_CHUNK} agents a decision, the rest on Ticks armed at once, in cohort order`, () => {
    const scenario = new RolloutScenario();
    const started = scenario.when(startCommand({ fleet, plan: [{ percent: 100, windowMs: 60_000 }] }));
    expect(ofType(started, 'AgentsTargeted')).toHaveLength(FILL_CHUNK / AGENTS_PER_EVENT);
    expect(effectsOf(started)).toContainEqual({ type: 'ArmTimer', rolloutId: 'r1', at: 0 });
    const sizes = [targetedIds(started).length];
    while (scenario.current.fill !== null) sizes.push(targetedIds(scenario.when(tick(0))).length);
    expect(sizes).toEqual([FILL_CHUNK, FILL_CHUNK, 2_000]);
    expect(scenario.targeted).toEqual(inCohortOrder(fleet.map((agent) => agent.agentId)));
    expect(ofType(scenario.history, 'AgentsTargeted').every((event) => !event.late && event.phase === 0)).toBe(true);
  });

  it('passes no gate while the agents the phase start chose are still to be targeted', () => {
    const scenario = new RolloutScenario();
    scenario.when(startCommand({ fleet, plan: [{ percent: 100, windowMs: 0 }] }));
    appliedAndHealthy(scenario, scenario.targeted, 10);
    scenario.when(tick(20));
    expect(scenario.current.status).toBe('in_progress');
    expect(ofType(scenario.history, 'PhasePassed')).toEqual([]);
    while (scenario.current.fill !== null) scenario.when(tick(30));
    appliedAndHealthy(scenario, scenario.targeted.slice(FILL_CHUNK), 40);
    scenario.when(tick(50));
    expect(scenario.current.status).toBe('completed');
    expect(scenario.current.counts.ready).toBe(AGENTS);
  });

  it('leaves in the stored events what a new leader needs: a replay of any prefix of decisions goes on to the same targeting', () => {
    const scenario = new RolloutScenario();
    scenario.when(startCommand({ fleet, plan: [{ percent: 100, windowMs: 60_000 }] }));
    const afterStart = scenario.history.length;
    scenario.when(tick(5));
    const replayed = replay(scenario.history.slice(0, afterStart));
    expect(replayed?.fill).toEqual({ agentIds: expect.any(Array), next: FILL_CHUNK });
    // The old leader stored the start and died; the new one replays it and its Tick targets the next chunk.
    const resumed = decide(replayed, tick(5));
    expect(resumed.ok && resumed.events).toEqual(scenario.history.slice(afterStart));
    expect(replay(scenario.history)).toEqual(scenario.current);
  });

  it('passes over a chosen agent that disconnected before its turn and tops the phase up with the next connected one', () => {
    const scenario = new RolloutScenario();
    scenario.when(startCommand({ fleet, plan: [{ percent: 50, windowMs: 60_000 }, { percent: 100 }] }));
    const order = inCohortOrder(fleet.map((agent) => agent.agentId));
    const allowance = AGENTS / 2;
    const gone = order[allowance - 1] as string;
    scenario.when(disconnected(gone, 1));
    while (scenario.current.fill !== null) scenario.when(tick(2));
    expect(rolloutAgent(scenario.current, gone)?.targetedAt).toBeNull();
    expect(targetedOf(scenario.current)).toBe(allowance);
    expect(scenario.targeted).toEqual([...order.slice(0, allowance - 1), order[allowance]]);
    expect(ofType(scenario.history, 'AgentsTargeted').at(-1)).toMatchObject({ late: true, agents: [{ agentId: order[allowance] }] });
  });

  it('targets no more once rolled back: the rollback reverts what was targeted and nobody else', () => {
    const scenario = new RolloutScenario();
    scenario.when(startCommand({ fleet, plan: [{ percent: 100, windowMs: 60_000 }] }));
    scenario.when({ type: 'RollbackRollout', rolloutId: 'r1', now: 1 });
    expect(scenario.current.fill).toBeNull();
    expect(decide(scenario.current, tick(2))).toMatchObject({ ok: true, events: [] });
    expect(ofType(scenario.history, 'AgentsReverted').flatMap((event) => event.agents)).toHaveLength(FILL_CHUNK);
  });

  it('forecasts every agent of a phase, however many decisions target them', () => {
    const forecast = forecastRollout(startCommand({ fleet, plan: [{ percent: 50 }, { percent: 100 }] }));
    expect(forecast.ok && forecast.forecast.phases.map((phase) => phase.agents)).toEqual([AGENTS / 2, AGENTS / 2]);
  });
});

describe('choosing the agents a phase takes', () => {
  it('takes the first waiting, connected members in cohort order, as ordering every member would', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 120 }), fc.array(fc.nat(), { maxLength: 40 }), fc.integer({ min: 1, max: 99 }), (size, gone, percent) => {
        const agents = fleetOf(size);
        const scenario = new RolloutScenario();
        scenario.when(startCommand({ fleet: agents, plan: [{ count: 1, windowMs: 60_000 }, { percent: Math.max(percent, 100 / size + 1) }, { percent: 100 }] }));
        for (const index of gone) scenario.when(disconnected(agents[index % size]?.agentId as string, 1));
        const before = new Set(scenario.targeted);
        const allowance = Math.min(size, Math.max(1, Math.ceil((Math.max(percent, 100 / size + 1) * size) / 100 - 1e-9)));
        const expected = inCohortOrder(agents.map((agent) => agent.agentId))
          .filter((agentId) => !before.has(agentId) && rolloutAgent(scenario.current, agentId)?.connected === true)
          .slice(0, Math.max(0, allowance - before.size));
        const promoted = scenario.when({ type: 'PromoteRollout', rolloutId: 'r1', now: 2 });
        expect(targetedIds(promoted)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
