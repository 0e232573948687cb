import { parseBehaviourShares } from './behaviour';
import { parseDuration, parseDurationRange } from './durations';
import { derivedUuid, planFleet } from './fleet-plan';
import { seededRandom } from './seeded-random';
import { allocate, parseShares } from './shares';

describe('shares', () => {
  it('reads weights and gives names without one an equal weight', () => {
    expect(parseShares('production:70,staging:30', 'environments')).toEqual([
      { value: 'production', weight: 70 },
      { value: 'staging', weight: 30 },
    ]);
    expect(parseShares('eu-west-1, us-east-1', 'regions')).toEqual([
      { value: 'eu-west-1', weight: 1 },
      { value: 'us-east-1', weight: 1 },
    ]);
  });

  it('refuses a bad weight, a repeated name or nothing at all, saying what is expected', () => {
    expect(() => parseShares('production:lots', 'environments')).toThrow('environments: "production:lots" is not name:weight');
    expect(() => parseShares('a,a', 'regions')).toThrow('a name appears twice');
    expect(() => parseShares('', 'regions')).toThrow('give at least one name with a positive weight');
  });

  it('allocates exact counts, the remainders to the largest fractions', () => {
    const counts = (values: string[]) => values.reduce<Record<string, number>>((c, v) => ({ ...c, [v]: (c[v] ?? 0) + 1 }), {});
    expect(counts(allocate(300, parseShares('production:70,staging:30', 'e')))).toEqual({ production: 210, staging: 90 });
    expect(counts(allocate(10, parseShares('a,b,c', 'e')))).toEqual({ a: 4, b: 3, c: 3 });
    expect(allocate(7, parseShares('a:1,b:0', 'e'))).toHaveLength(7);
  });
});

describe('behaviour shares', () => {
  it('fills the rest of the fleet with healthy agents', () => {
    expect(parseBehaviourShares('fail:10,flaky:2')).toEqual([
      { value: 'fail', weight: 10 },
      { value: 'flaky', weight: 2 },
      { value: 'healthy', weight: 88 },
    ]);
    expect(parseBehaviourShares('')).toEqual([{ value: 'healthy', weight: 100 }]);
  });

  it('refuses unknown behaviours and shares over 100%', () => {
    expect(() => parseBehaviourShares('explode:10')).toThrow(/behaviours: "explode:10" is not <behaviour>:<percent>/);
    expect(() => parseBehaviourShares('fail:60,unhealthy:50')).toThrow('add up to 110, more than 100');
  });
});

describe('fleet plan', () => {
  const spec = {
    agents: 200,
    environments: parseShares('production:50,staging:50', 'e'),
    regions: parseShares('eu,us', 'r'),
    behaviours: parseBehaviourShares('fail:10,unhealthy:5'),
    seed: 'seed-1',
  };

  it('gives the same agents for the same seed and different ones for another', () => {
    expect(planFleet(spec)).toEqual(planFleet(spec));
    expect(planFleet({ ...spec, seed: 'seed-2' })[0]?.agentId).not.toBe(planFleet(spec)[0]?.agentId);
  });

  it('gives every share its exact part and unique UUID instance ids', () => {
    const plans = planFleet(spec);
    expect(plans.filter((p) => p.environment === 'staging')).toHaveLength(100);
    expect(plans.filter((p) => p.behaviour === 'fail')).toHaveLength(20);
    expect(plans.filter((p) => p.behaviour === 'unhealthy')).toHaveLength(10);
    expect(new Set(plans.map((p) => p.agentId)).size).toBe(200);
    for (const plan of plans) expect(plan.agentId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('mixes behaviours over environments rather than stacking them in one', () => {
    const plans = planFleet(spec);
    const failingStaging = plans.filter((p) => p.behaviour === 'fail' && p.environment === 'staging').length;
    expect(failingStaging).toBeGreaterThan(3);
    expect(failingStaging).toBeLessThan(17);
  });

  it('derives a stable UUIDv8 from text', () => {
    expect(derivedUuid('x')).toBe(derivedUuid('x'));
    expect(derivedUuid('x')).not.toBe(derivedUuid('y'));
  });
});

describe('seeded random and durations', () => {
  it('repeats its stream for a seed and stays in [0, 1)', () => {
    const a = seededRandom('s');
    const b = seededRandom('s');
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });

  it('reads durations with units and ranges', () => {
    expect(parseDuration('250', 'd')).toBe(250);
    expect(parseDuration('1.5s', 'd')).toBe(1500);
    expect(parseDuration('2m', 'd')).toBe(120_000);
    expect(parseDurationRange('200ms-1.5s', 'd')).toEqual({ min: 200, max: 1500 });
    expect(parseDurationRange('1s', 'd')).toEqual({ min: 1000, max: 1000 });
    expect(() => parseDurationRange('2s-1s', 'd')).toThrow('ends before it starts');
    expect(() => parseDuration('soon', '--apply-delay')).toThrow('--apply-delay: "soon" is not a duration');
  });
});
