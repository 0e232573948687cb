import { BUCKETS, pushNudgeContract, subjects, type PushNudge } from '@roost/contracts';
import { createMemoryPlatform } from '@roost/platform-memory';
import { silentLogger, type Platform } from '@roost/ports';
import { eventually } from '@roost/testing';
import { DesiredMirror } from './desired-mirror';
import { createDesiredWriter } from './desired-writer';

describe('desired writer (in-memory platform)', () => {
  let platform: Platform;

  beforeEach(() => {
    platform = createMemoryPlatform();
  });
  afterEach(() => platform.close());

  it('nudges each gateway with its agents and the entries written, KV revisions included, in batches', async () => {
    const bucket = await platform.kv.open(BUCKETS.agentDesired.name);
    const nudges: PushNudge[] = [];
    platform.bus.subscribe(subjects.gatewayPush('gw-a'), (message) => nudges.push(pushNudgeContract.decode(message.data)));
    const where: Record<string, string | null> = { a1: 'gw-a', a2: 'gw-a', a3: 'gw-a', gone: null };
    const write = createDesiredWriter(bucket, platform.bus, new DesiredMirror(bucket, silentLogger), {
      batchSize: 2,
      concurrency: 1,
      now: () => 1_000,
      logger: silentLogger,
      gatewayOf: (agentId) => where[agentId] ?? null,
    });
    const hash = 'c'.repeat(64);

    const failed = await write('r-1', ['a1', 'a2', 'gone', 'a3'].map((agentId) => ({ agentId, configHash: hash })));

    expect(failed).toEqual([]);
    await eventually(() => nudges.length === 2, { what: 'two nudges' });
    expect(nudges.map((nudge) => nudge.agentIds)).toEqual([['a1', 'a2'], ['a3']]);
    for (const nudge of nudges) {
      for (const [index, agentId] of nudge.agentIds.entries()) {
        const entry = await bucket.get(agentId);
        expect(nudge.desired?.[index]).toEqual({ configHash: hash, revision: entry?.revision });
      }
    }
    expect(await bucket.get('gone')).not.toBeNull(); // written, but no gateway holds it: not nudged
  });
});
