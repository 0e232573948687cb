import { createMemoryPlatform } from '@roost/platform-memory';
import { silentLogger } from '@roost/ports';
import { createOrchestratorMetrics } from '../orchestrator-metrics';
import { RolloutRunner, type QueuedInput, type RunnerDeps } from './rollout-runner';
import { RolloutStore } from './rollout-store';

describe('RolloutRunner queue', () => {
  const platform = createMemoryPlatform();
  afterAll(() => platform.close());

  const runner = (): RolloutRunner => {
    const deps: RunnerDeps = {
      store: new RolloutStore(platform.events, () => true, silentLogger),
      writeDesired: async () => [],
      // Only the view's freshness is read: these inputs build no observations.
      facts: { fleetCaughtUp: () => true } as unknown as RunnerDeps['facts'],
      notifier: undefined as never,
      metrics: createOrchestratorMetrics(),
      now: Date.now,
      logger: silentLogger,
    };
    return new RolloutRunner('r-queue', { state: null, lastSequence: 0 }, deps);
  };

  /** Resolves after `hops` microtask turns. */
  const afterMicrotasks = async (hops: number): Promise<void> => {
    for (let hop = 0; hop < hops; hop += 1) await Promise.resolve();
  };

  // An input can arrive (a fleet event handled in the same tick) at any moment while the
  // previous batch winds down, including after the drain loop saw an empty queue.
  it.each(Array.from({ length: 40 }, (_, hops) => hops))('decides an input submitted %i microtasks after the one before settles', async (hops) => {
    const subject = runner();
    const decided: string[] = [];
    const input = (name: string, settle?: QueuedInput['settle']): QueuedInput => ({
      build: () => {
        decided.push(name);
        return [];
      },
      ...(settle ? { settle } : {}),
    });
    subject.submit(input('first', () => void afterMicrotasks(hops).then(() => subject.submit(input('second')))));

    await new Promise((resolve) => setImmediate(resolve));
    await subject.idle();

    expect(decided).toEqual(['first', 'second']);
    expect(subject.busy).toBe(false);
  });
});
