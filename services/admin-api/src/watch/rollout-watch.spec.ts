import { createMemoryViewStore } from '@roost/platform-memory';
import { silentLogger } from '@roost/ports';
import { eventually } from '@roost/testing';
import { rolloutKeys } from '@roost/views';
import { RolloutWatches } from './rollout-watch';

const status = (version: number, value: string) => ({ id: 'r-1', status: value, version: String(version), updated_at: String(version), plan: '[]' });

describe('rollout watches', () => {
  it('shares one poller per rollout, tells every watcher each change, and ends them when the rollout ends', async () => {
    const views = createMemoryViewStore();
    await views.applyOnce('test', 1, [{ op: 'hset', key: rolloutKeys.status('r-1'), fields: status(1, 'in_progress') }]);
    const watches = new RolloutWatches(views, 10, silentLogger);
    const seen: string[][] = [[], []];
    const ended: string[] = [];
    for (const [index, log] of seen.entries()) watches.watch('r-1', { progress: (r) => log.push(`${r.status}@${r.version}`), end: (reason) => ended.push(`${index}:${reason}`) });
    expect(watches.active).toBe(1);
    await eventually(() => seen.every((log) => log.length === 1));
    await views.applyOnce('test', 2, [{ op: 'hset', key: rolloutKeys.status('r-1'), fields: status(2, 'completed') }]);
    await eventually(() => ended.length === 2);
    expect(seen).toEqual([
      ['in_progress@1', 'completed@2'],
      ['in_progress@1', 'completed@2'],
    ]);
    expect(watches.active).toBe(0);
  });

  it('keeps a newer poller when a watcher of an ended one leaves late', async () => {
    const views = createMemoryViewStore();
    await views.applyOnce('test', 1, [{ op: 'hset', key: rolloutKeys.status('r-1'), fields: status(1, 'completed') }]);
    const watches = new RolloutWatches(views, 10, silentLogger);
    let ended = false;
    const first = watches.watch('r-1', { progress: () => undefined, end: () => (ended = true) });
    await eventually(() => ended);
    const second = watches.watch('r-1', { progress: () => undefined, end: () => undefined });
    first.close();
    expect(watches.active).toBe(1);
    second.close();
    expect(watches.active).toBe(0);
  });
});
