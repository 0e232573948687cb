import { DUPLICATE_WINDOW_MS, answerSecondClaim } from './duplicate-claims';

describe('answerSecondClaim', () => {
  it('replaces a holder that got the uid without taking it from another socket (an agent reconnecting)', () => {
    expect(answerSecondClaim(null, 1_000)).toBe('replace');
  });

  it('gives the newcomer a new uid while the holder took the uid over moments ago (two agents sharing it)', () => {
    expect(answerSecondClaim(1_000, 1_000)).toBe('assign_new_uid');
    expect(answerSecondClaim(1_000, 1_000 + DUPLICATE_WINDOW_MS - 1)).toBe('assign_new_uid');
  });

  it('replaces again once the takeover is older than the window', () => {
    expect(answerSecondClaim(1_000, 1_000 + DUPLICATE_WINDOW_MS)).toBe('replace');
    expect(answerSecondClaim(1_000, 1_600, 500)).toBe('replace');
  });
});
