import { createMemoryPlatform } from '@roost/platform-memory';
import { silentLogger } from '@roost/ports';
import { rolloutAgent, type RolloutState, type StartRollout } from '@roost/rollout';
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

  it('shows the invariant checker, while a batch is stored, the state its stored events lead to: its desired writes land before the append ends', async () => {
    const fleet = Array.from({ length: 600 }, (_, i) => ({ agentId: `agent-${i}`, connected: true, capabilities: 0x1 | 0x2, identifying: { 'service.environment': 'production' }, nonIdentifying: {} }));
    const start: StartRollout = {
      type: 'StartRollout',
      rolloutId: 'r-checked',
      target: { kind: 'group', group: 'production' },
      configHash: 'cfg-new',
      previousConfigHashes: Object.fromEntries(fleet.map((agent) => [agent.agentId, 'cfg-old'])),
      plan: [{ percent: 100 }],
      lockedAgents: {},
      now: 0,
      fleet,
    };
    const seenAtWrite: (RolloutState | null)[] = [];
    let subject: RolloutRunner | null = null;
    // The store reports the first event stored on its own, then the rest (as every 256 events under a long append).
    const store = new RolloutStore(platform.events, () => true, silentLogger);
    const append = store.append.bind(store);
    const seenAfterFirst: (RolloutState | null)[] = [];
    store.append = async (rolloutId, events, last, onStored) => {
      const first = await append(rolloutId, events.slice(0, 1), last);
      onStored?.(1);
      seenAfterFirst.push(subject?.checkedState ?? null);
      return append(rolloutId, events.slice(1), first, (count) => onStored?.(count + 1));
    };
    const deps: RunnerDeps = {
      store,
      writeDesired: async (_rolloutId, assignments) => {
        seenAtWrite.push(assignments.length > 0 ? (subject?.checkedState ?? null) : null);
        return [];
      },
      facts: { fleetCaughtUp: () => true } as unknown as RunnerDeps['facts'],
      notifier: { notify: () => undefined } as unknown as RunnerDeps['notifier'],
      metrics: createOrchestratorMetrics(),
      now: () => 0,
      logger: silentLogger,
    };
    subject = new RolloutRunner('r-checked', { state: null, lastSequence: 0 }, deps);
    const outcome = await subject.run(() => [start]);
    expect(outcome.ok).toBe(true);
    // The writes start from the append's progress, before the runner takes the batch's state as its own.
    expect(seenAtWrite.length).toBeGreaterThan(0);
    for (const state of seenAtWrite) expect(rolloutAgent(state as RolloutState, 'agent-0')?.targetedAt).toBe(0);
    // With only RolloutStarted stored, nobody is targeted yet: the checker is not told of what is still to be stored.
    expect(seenAfterFirst).toHaveLength(1);
    expect(seenAfterFirst[0]?.status).toBe('pending');
    expect(rolloutAgent(seenAfterFirst[0] as RolloutState, 'agent-0')?.targetedAt ?? null).toBeNull();
  });
});
