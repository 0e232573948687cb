/**
 * A pure computation over many agents in steps: a generator that yields (nothing) between
 * slices of its work and returns its result. Running it to the end at once (`runSteps`) is the
 * computation; a service may instead resume it across turns of its event loop, so a start over
 * 100,000 agents does not hold the loop for seconds. Where it pauses never changes the result.
 */
export type Steps<T> = Generator<void, T, void>;

/** Agents handled between two pauses. */
export const AGENTS_PER_STEP = 2_000;

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/** A result that needs no pause, as steps. */
// eslint-disable-next-line require-yield -- a computation without pauses is a Steps too
export function* noSteps<T>(compute: () => T): Steps<T> {
  return compute();
}
