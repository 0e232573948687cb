import { followsOffer, nextOnTimePolls, ON_TIME_POLLS_TO_FOLLOW } from './poll-interval';

describe('nextOnTimePolls', () => {
  const seen = (onTimePolls: number, lastSeenAt: number) => ({ onTimePolls, lastSeenAt });

  it('given a message one offered interval after the previous one on the same connection, counts one more', () => {
    expect(nextOnTimePolls(seen(1, 10_000), 15_000, 5, true)).toBe(2);
  });

  it('given a gap within half to one and a half intervals, counts it; an earlier message keeps the count; a later one starts over', () => {
    expect(nextOnTimePolls(seen(2, 10_000), 12_500, 5, true)).toBe(3);
    expect(nextOnTimePolls(seen(2, 10_000), 17_500, 5, true)).toBe(3);
    expect(nextOnTimePolls(seen(2, 10_000), 12_499, 5, true)).toBe(2); // a status report between polls
    expect(nextOnTimePolls(seen(2, 10_000), 17_501, 5, true)).toBe(0); // late: polls at its own pace
  });

  it('given a new connection, no offer or no previous message, is 0', () => {
    expect(nextOnTimePolls(seen(2, 10_000), 15_000, 5, false)).toBe(0);
    expect(nextOnTimePolls(seen(2, 10_000), 15_000, 0, true)).toBe(0);
    expect(nextOnTimePolls(undefined, 15_000, 5, true)).toBe(0);
  });

  it('takes the agent to follow the offer only after enough on-time polls in a row', () => {
    expect(followsOffer({ onTimePolls: ON_TIME_POLLS_TO_FOLLOW - 1 })).toBe(false);
    expect(followsOffer({ onTimePolls: ON_TIME_POLLS_TO_FOLLOW })).toBe(true);
  });
});
