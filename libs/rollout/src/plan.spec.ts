import { DEFAULT_PLAN, phaseAllowance, validatePlan, type PhaseSpec } from './index';

describe('plan validation', () => {
  it.each<[string, PhaseSpec[], string]>([
    ['an empty plan', [], 'plan.empty'],
    ['a phase with both percent and count', [{ percent: 10, count: 3 }, { percent: 100 }], 'plan.invalid_phase'],
    ['a phase with neither percent nor count', [{ windowMs: 1 }, { percent: 100 }], 'plan.invalid_phase'],
    ['a percentage above 100', [{ percent: 150 }], 'plan.invalid_phase'],
    ['a fractional count', [{ count: 1.5 }, { percent: 100 }], 'plan.invalid_phase'],
    ['a count of zero', [{ count: 0 }, { percent: 100 }], 'plan.invalid_phase'],
    ['percentages that do not rise', [{ percent: 10 }, { percent: 10 }, { percent: 100 }], 'plan.not_increasing'],
    ['counts that do not rise', [{ count: 5 }, { count: 3 }, { percent: 100 }], 'plan.not_increasing'],
    ['a plan ending below 100%', [{ percent: 5 }, { percent: 50 }], 'plan.not_ending_at_100'],
    ['a plan ending with a count', [{ percent: 5 }, { count: 1000 }], 'plan.not_ending_at_100'],
    ['a negative window', [{ percent: 5, windowMs: -1 }, { percent: 100 }], 'plan.negative_window'],
    ['an infinite window', [{ percent: 5, windowMs: Infinity }, { percent: 100 }], 'plan.negative_window'],
  ])('refuses %s', (_, specs, code) => {
    const result = validatePlan(specs);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('names the offending phase', () => {
    const result = validatePlan([{ name: 'canary', percent: 5 }, { name: 'wide', percent: 5 }, { percent: 100 }]);
    expect(result).toMatchObject({ ok: false, error: { details: { phase: 1 }, message: expect.stringContaining('wide') } });
  });

  it('normalises names, windows and approval', () => {
    expect(validatePlan([{ count: 3, requireApproval: true }, { percent: 100, windowMs: 60_000 }])).toEqual({
      ok: true,
      value: [
        { name: 'phase-1', size: { kind: 'count', count: 3 }, windowMs: 0, requireApproval: true },
        { name: 'phase-2', size: { kind: 'percent', percent: 100 }, windowMs: 60_000, requireApproval: false },
      ],
    });
  });

  it('defaults to the original plan: 2% / 5 min, 10% / 5 min, 50% / 3 min, 100%', () => {
    expect(DEFAULT_PLAN.map((phase) => [phase.name, phase.size, phase.windowMs])).toEqual([
      ['canary', { kind: 'percent', percent: 2 }, 300_000],
      ['early-adopters', { kind: 'percent', percent: 10 }, 300_000],
      ['majority', { kind: 'percent', percent: 50 }, 180_000],
      ['full', { kind: 'percent', percent: 100 }, 0],
    ]);
  });
});

describe('phase allowance', () => {
  it('rounds a percentage up and takes at least one agent', () => {
    expect(phaseAllowance({ kind: 'percent', percent: 2 }, 100, 0)).toBe(2);
    expect(phaseAllowance({ kind: 'percent', percent: 2 }, 101, 0)).toBe(3);
    expect(phaseAllowance({ kind: 'percent', percent: 2 }, 10, 0)).toBe(1);
    expect(phaseAllowance({ kind: 'percent', percent: 29 }, 100, 0)).toBe(29);
  });

  it('caps an absolute count at the members', () => {
    expect(phaseAllowance({ kind: 'count', count: 5 }, 100, 0)).toBe(5);
    expect(phaseAllowance({ kind: 'count', count: 500 }, 100, 0)).toBe(100);
  });

  it('widens a stratified phase to cover every stratum', () => {
    expect(phaseAllowance({ kind: 'percent', percent: 2 }, 100, 4)).toBe(4);
    expect(phaseAllowance({ kind: 'percent', percent: 50 }, 100, 4)).toBe(50);
    expect(phaseAllowance({ kind: 'percent', percent: 2 }, 3, 4)).toBe(3);
  });

  it('is zero without members', () => {
    expect(phaseAllowance({ kind: 'percent', percent: 100 }, 0, 0)).toBe(0);
  });
});
