import { backoffMs, retryable, webhookPayload } from './webhook-payload';

describe('webhook payloads and retries', () => {
  it('carries a Slack-compatible text next to the facts', () => {
    const payload = webhookPayload({ type: 'Notify', rolloutId: 'r-1', kind: 'completed', message: 'rollout r-1 completed' }, 42, null);
    expect(payload).toEqual({ text: 'Roost: rollout r-1 completed', kind: 'completed', rolloutId: 'r-1', at: 42, rollout: null });
  });

  it('retries network errors, timeouts, throttling and server errors only', () => {
    expect([null, 408, 429, 500, 503].map(retryable)).toEqual([true, true, true, true, true]);
    expect([400, 401, 404, 410].map(retryable)).toEqual([false, false, false, false]);
  });

  it('backs off exponentially with bounded jitter and a 30 s cap', () => {
    expect(backoffMs(2, 500, 0.5)).toBe(500);
    expect(backoffMs(3, 500, 0.5)).toBe(1_000);
    expect(backoffMs(4, 500, 0)).toBe(1_600);
    expect(backoffMs(4, 500, 0.999)).toBeLessThanOrEqual(2_400);
    expect(backoffMs(20, 500, 0.5)).toBe(30_000);
  });
});
