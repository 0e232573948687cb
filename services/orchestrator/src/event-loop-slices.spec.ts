import type { Steps } from '@roost/rollout';
import { runInSlices, SLICE_MS } from './event-loop-slices';

/** Steps that each hold the event loop for `ms`, counting how many ran. */
function* busySteps(count: number, ms: number, ran: { steps: number }): Steps<string> {
  for (let i = 0; i < count; i += 1) {
    const until = performance.now() + ms;
    while (performance.now() < until);
    ran.steps += 1;
    yield;
  }
  return 'done';
}

describe('runInSlices', () => {
  it('lets the event loop run between slices of a long computation, and returns its result', async () => {
    const ran = { steps: 0 };
    const seenAt: number[] = [];
    const timer = setInterval(() => seenAt.push(ran.steps), 0);
    const { value, busyMs } = await runInSlices(busySteps(12, SLICE_MS / 4, ran));
    clearInterval(timer);
    expect(value).toBe('done');
    expect(busyMs).toBeGreaterThanOrEqual(3 * SLICE_MS * 0.9);
    // The timer ran while the computation was half done: it did not hold the loop to its end.
    expect(seenAt.some((steps) => steps > 0 && steps < 12)).toBe(true);
  });

  it('abandons the computation when the check after a pause throws', async () => {
    const ran = { steps: 0 };
    await expect(
      runInSlices(busySteps(100, SLICE_MS / 2, ran), () => {
        throw new Error('no longer the leader');
      }),
    ).rejects.toThrow('no longer the leader');
    expect(ran.steps).toBeLessThan(100);
  });
});
