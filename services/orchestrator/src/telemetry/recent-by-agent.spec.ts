import { RecentByAgent } from './recent-by-agent';

describe('RecentByAgent', () => {
  it('keeps each agent its list and drops the agent heard from longest ago past the limit', () => {
    const recent = new RecentByAgent<number>(2);
    recent.update('a', (list) => [...list, 1]);
    recent.update('b', (list) => [...list, 2]);
    recent.update('a', (list) => [...list, 3]); // a heard from again: b is now the oldest
    recent.update('c', (list) => [...list, 4]);
    expect(recent.agents).toBe(2);
    expect(recent.of('a')).toEqual([1, 3]);
    expect(recent.of('b')).toBeUndefined();
    expect(recent.of('c')).toEqual([4]);
  });
});
