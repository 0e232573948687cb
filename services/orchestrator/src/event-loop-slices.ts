import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Steps } from '@roost/rollout';

/** How long a computation in steps holds the event loop before other work (I/O, timers, the lease's renewal) runs. */
export const SLICE_MS = 50;

/**
 * Runs a pure computation in steps (see Steps in @roost/rollout) to its end, giving the event
 * loop a turn whenever it has held it for SLICE_MS. `afterPause` runs after each turn and may
 * throw to abandon the computation (leadership lost). Resolves with the result and how long the
 * computation itself held the loop, in all.
 */
export async function runInSlices<T>(steps: Steps<T>, afterPause: () => void = () => undefined): Promise<{ readonly value: T; readonly busyMs: number }> {
  let busyMs = 0;
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    const now = performance.now();
    if (step.done === true) return { value: step.value, busyMs: busyMs + now - sliceStart };
    if (now - sliceStart < SLICE_MS) continue;
    busyMs += now - sliceStart;
    await nextTurn();
    afterPause();
    sliceStart = performance.now();
  }
}
