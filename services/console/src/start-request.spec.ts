import { DEFAULT_PLAN_TEXT } from './plan-text';
import { startRequest, type StartFields } from './start-request';

const fields = (changes: Partial<StartFields>): StartFields => ({ group: 'shop', selector: '', configVersion: ' shop-edge@2 ', plan: DEFAULT_PLAN_TEXT, policy: 'rollback', acceptKeepNewOnFailure: false, baselineConfigHash: '', ...changes });

describe("the start form's request", () => {
  it('targets the group or the selector, with the plan read and optional fields only when given', () => {
    expect(startRequest(fields({ plan: '2 30s, 100%' }))).toEqual({ ok: true, request: { target: { group: 'shop' }, configVersion: 'shop-edge@2', plan: [{ count: 2, windowMs: 30_000 }, { percent: 100 }], policy: 'rollback' } });
    expect(startRequest(fields({ group: '', selector: 'cloud.region=eu', policy: 'pause', acceptKeepNewOnFailure: true, baselineConfigHash: 'base@1' }))).toMatchObject({
      ok: true,
      request: { target: { selector: 'cloud.region=eu' }, policy: 'pause', acceptKeepNewOnFailure: true, baselineConfigHash: 'base@1' },
    });
  });

  it('says what is missing: both or neither of group and selector, or a plan it cannot read', () => {
    expect(startRequest(fields({ selector: 'a=b' }))).toEqual({ ok: false, error: 'Choose a group or type a selector (one of them).' });
    expect(startRequest(fields({ group: ' ' }))).toEqual({ ok: false, error: 'Choose a group or type a selector (one of them).' });
    expect(startRequest(fields({ plan: '2% soon' }))).toEqual({ ok: false, error: 'phase 1 ("2% soon"): "soon" is neither a window (30s, 5m) nor "approve"' });
  });
});
