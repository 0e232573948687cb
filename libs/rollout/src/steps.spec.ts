import { checkInvariants, decide, decideBatch, decideBatchSteps, decideSteps, invariantSteps, runSteps, type Steps } from './index';
import { AGENTS_PER_STEP } from './steps';
import { fleetOf, RolloutScenario, startCommand, tick } from './testing/rollout-fixtures';

const AGENTS = 5 * AGENTS_PER_STEP;
const start = startCommand({ fleet: fleetOf(AGENTS) });

function pausesOf<T>(steps: Steps<T>): { pauses: number; value: T } {
  let pauses = 0;
  for (;;) {
    const step = steps.next();
    if (step.done === true) return { pauses, value: step.value };
    pauses += 1;
  }
}

describe('decisions in steps', () => {
  it(`pauses a start every ${AGENTS_PER_STEP} agents and decides what decide does`, () => {
    const { pauses, value } = pausesOf(decideSteps(null, start));
    expect(pauses).toBeGreaterThanOrEqual(3 * (AGENTS / AGENTS_PER_STEP));
    expect(value).toEqual(decide(null, start));
  });

  it('decides any other input in one step', () => {
    const scenario = RolloutScenario.given(start);
    expect(pausesOf(decideSteps(scenario.current, tick(1))).pauses).toBe(0);
  });

  it('decides a batch in steps as decideBatch does', () => {
    const items = [() => [start], () => [tick(1)]];
    const { pauses, value } = pausesOf(decideBatchSteps(null, items));
    expect(pauses).toBeGreaterThan(0);
    expect(value).toEqual(decideBatch(null, items));
  });

  it('checks the invariants in steps as checkInvariants does', () => {
    const scenario = RolloutScenario.given(start);
    const desired = new Map(scenario.targeted.map((agentId) => [agentId, { configHash: 'cfg-new', rolloutId: 'r1', setAt: 0 }]));
    const truth = { rollouts: new Map([['r1', scenario.current]]), desired, reported: () => null };
    const { pauses, value } = pausesOf(invariantSteps(truth));
    expect(pauses).toBeGreaterThanOrEqual(AGENTS / AGENTS_PER_STEP);
    expect(value).toEqual(checkInvariants(truth));
    expect(runSteps(invariantSteps(truth))).toEqual([]);
  });
});
