import { reconnectDelayMs } from './reconnect-backoff';

describe('reconnectDelayMs', () => {
  const policy = { initialMs: 100, maxMs: 1_000, jitter: 0.5 };

  it('doubles from the initial delay with every attempt', () => {
    expect([1, 2, 3, 4].map((n) => reconnectDelayMs(n, policy, 0))).toEqual([100, 200, 400, 800]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(reconnectDelayMs(5, policy, 0)).toBe(1_000);
    expect(reconnectDelayMs(10_000, policy, 0)).toBe(1_000);
  });

  it('shortens the delay by at most the jitter fraction', () => {
    expect(reconnectDelayMs(1, policy, 0.999)).toBe(50);
    expect(reconnectDelayMs(4, policy, 0.5)).toBe(600);
  });
});
