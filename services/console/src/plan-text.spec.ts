import { DEFAULT_PLAN_TEXT, parsePlanText } from './plan-text';

describe('parsePlanText', () => {
  it('reads percentages, counts, windows and approval', () => {
    expect(parsePlanText('2 30s, 10% 5m approve, 100%')).toEqual({ ok: true, plan: [{ count: 2, windowMs: 30_000 }, { percent: 10, windowMs: 300_000, requireApproval: true }, { percent: 100 }] });
    expect(parsePlanText(DEFAULT_PLAN_TEXT)).toMatchObject({ ok: true, plan: [{ percent: 2, windowMs: 300_000 }, { percent: 10 }, { percent: 50, windowMs: 180_000 }, { percent: 100 }] });
  });

  it('names the phase and the word it cannot read', () => {
    expect(parsePlanText('2% 5m, half')).toEqual({ ok: false, error: 'phase 2 ("half"): start with a size, a percentage (10%) or a number of agents (5)' });
    expect(parsePlanText('2% soon')).toEqual({ ok: false, error: 'phase 1 ("2% soon"): "soon" is neither a window (30s, 5m) nor "approve"' });
    expect(parsePlanText(' ')).toMatchObject({ ok: false });
  });
});
