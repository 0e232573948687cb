/**
 * A pause stops the clock (issue 17, item 6), on real NATS and Redis through the admin API: the
 * canary's window stands still while the rollout is paused, the view names who paused it and
 * why, and on resume the window ends exactly as much later as the pause lasted.
 */
import { eventually } from '@roost/testing';
import { AdminApiTestBed, collectorYaml, TEST_TIMING } from './admin-api-test-bed';
import { documented } from './documented';

jest.setTimeout(90_000);

const WINDOW_MS = 60_000;

describe('pausing a rollout stops its window', () => {
  let bed: AdminApiTestBed;

  beforeAll(async () => {
    bed = await AdminApiTestBed.start();
    await bed.fleet({ agents: 6, environments: 'pause-prod', seed: 'pause-window' });
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('keeps the canary window still while paused, shows who paused and why, and moves the window end by the pause on resume', async () => {
    const plan = [{ name: 'canary', count: 2, windowMs: WINDOW_MS }, { name: 'all', percent: 100 }];
    documented(
      await bed.http('POST', '/api/v1/rollouts', { body: { target: { group: 'pause-prod' }, configYaml: collectorYaml('detailed'), acceptKeepNewOnFailure: true, plan, timing: TEST_TIMING, rolloutId: 'pause-1' } }),
      201,
      'rollout.start',
    );
    const read = async () => documented(await bed.http('GET', '/api/v1/rollouts/pause-1'), 200, 'rollout.get');
    const before = await read();
    const windowEndsAt = before.phases[0].windowEndsAt as number;
    expect(windowEndsAt).toBe(before.phases[0].startedAt + WINDOW_MS);

    documented(await bed.http('POST', '/api/v1/rollouts/pause-1/pause', { body: { reason: 'latency alert' } }), 200, 'rollout.pause');
    const paused = await read();
    expect(paused).toMatchObject({ status: 'paused', pausedBy: 'operator', pausedByActor: 'anonymous', pauseReason: 'latency alert' });
    await eventually(async () => (await read()).counts.applied === 2, { timeoutMs: 20_000, what: 'the canaries to apply while paused' });

    documented(await bed.http('POST', '/api/v1/rollouts/pause-1/resume', {}), 200, 'rollout.resume');
    const resumed = await read();
    expect(resumed).toMatchObject({ status: 'in_progress', pausedBy: null, pausedByActor: null, pauseReason: null, currentPhase: 'canary' });
    const resumedEvent = resumed.transitions.find((transition: { type: string }) => transition.type === 'RolloutResumed');
    const pausedMs = resumedEvent.details.pausedMs as number;
    expect(pausedMs).toBeGreaterThan(0);
    expect(resumed.phases[0]).toMatchObject({ state: 'running', windowEndsAt: windowEndsAt + pausedMs });

    const promoted = documented(await bed.http('POST', '/api/v1/rollouts/pause-1/promote', {}), 200, 'rollout.promote');
    expect(promoted.phase.name).toBe('all');
    await eventually(async () => (await read()).status === 'completed', { timeoutMs: 30_000, what: 'the rollout to complete' });
  });
});
