import { subjects } from '@roost/contracts';
import { eventually } from '@roost/testing';
import { ManualClock } from './manual-clock';
import { createMemoryPlatform } from './memory-platform';

describe('createMemoryPlatform', () => {
  it('bundles every port on one clock and stops its consumers on close', async () => {
    const clock = new ManualClock();
    const platform = createMemoryPlatform({ clock });
    const seen: number[] = [];
    await platform.events.consume({ stream: 'ROLLOUT_EVENTS', durable: 'p' }, async (e) => void seen.push(e.storedAt));
    await platform.events.append(subjects.rolloutEvents('r'), new Uint8Array());
    await eventually(() => seen.length === 1);
    expect(seen).toEqual([clock.now()]);
    const leases = await platform.kv.open('leases');
    await leases.put('leader', new Uint8Array([1]));
    clock.advance(10_000);
    expect(await leases.get('leader')).toBeNull();
    expect(await platform.views.applyOnce('roost:cp', 1, [{ op: 'set', key: 'roost:x', value: '1' }])).toBe(true);
    expect((await platform.health()).every((h) => h.healthy)).toBe(true);

    await platform.close();
    await platform.events.append(subjects.rolloutEvents('r'), new Uint8Array());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toHaveLength(1);
  });
});
