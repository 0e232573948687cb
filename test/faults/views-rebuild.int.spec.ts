/**
 * Defect 3 of issue 14 (readiness): while the projector rebuilds the views after a Redis
 * FLUSHALL, the admin API answers 503 `views.not_ready` (reads and /readyz), or the truth —
 * never a false `404 rollout.not_found` or an empty fleet.
 */
import Redis from 'ioredis';
import { sleep } from '@roost/testing';
import { TEST_TIMING, collectorYaml } from '../support/collector-config';
import { AdminApiTestBed } from '../admin-api/admin-api-test-bed';

jest.setTimeout(90_000);

describe('admin API while the views are rebuilt after a Redis flush', () => {
  let bed: AdminApiTestBed;

  beforeAll(async () => {
    bed = await AdminApiTestBed.start();
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('answers not ready, never "not found" or an empty fleet, until the views are back', async () => {
    await bed.fleet({ agents: 4, environments: 'flushed' });
    const started = await bed.http('POST', '/api/v1/rollouts', {
      body: { target: { group: 'flushed' }, configYaml: collectorYaml('flush'), acceptKeepNewOnFailure: true, plan: [{ name: 'all', percent: 100, windowMs: 200 }], timing: TEST_TIMING },
    });
    expect(started.status).toBe(201);
    const rolloutId = started.body.rolloutId as string;
    const settled = async () => (await bed.http('GET', `/api/v1/rollouts/${rolloutId}`)).body?.status === 'completed';
    for (let attempt = 0; attempt < 100 && !(await settled()); attempt++) await sleep(100);
    expect(await settled()).toBe(true);
    expect((await bed.http('GET', '/readyz')).status).toBe(200);

    const redis = new Redis(bed.redis.url);
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }

    const seen: string[] = [];
    const deadline = Date.now() + 6_000;
    let recovered = false;
    while (Date.now() < deadline) {
      const [ready, rollout, group] = await Promise.all([
        bed.http('GET', '/readyz'),
        bed.http('GET', `/api/v1/rollouts/${rolloutId}`),
        bed.http('GET', '/api/v1/groups/flushed'),
      ]);
      seen.push(`${ready.status}/${rollout.status}/${group.status}`);
      // each answer is the truth or "not ready"
      expect([200, 503]).toContain(rollout.status);
      if (rollout.status === 200) expect(rollout.body.status).toBe('completed');
      else expect(rollout.body.error.code).toBe('views.not_ready');
      expect([200, 503]).toContain(group.status);
      if (group.status === 200) expect(group.body.agents).toBe(4);
      if (ready.status === 200) recovered = true;
      else expect(recovered).toBe(false);
      if (recovered && rollout.status === 200 && group.status === 200) break;
      await sleep(20);
    }
    expect(recovered).toBe(true);
    // the flush was seen: at least one answer said "not ready"
    expect(seen.some((answer) => answer.includes('503'))).toBe(true);
  });
});
