import fc from 'fast-check';
import type { ViewWrite } from '@roost/ports';
import { compactWrites } from './compact-writes';
import { ViewModel } from './testing/view-model';

const key = fc.constantFrom('h1', 'h2', 'z1', 'z2', 's1');
const field = fc.constantFrom('a', 'b', 'c');
const write: fc.Arbitrary<ViewWrite> = fc.oneof(
  fc.record({ op: fc.constant('hset' as const), key: fc.constantFrom('h1', 'h2'), fields: fc.dictionary(field, fc.constantFrom('1', '7', '-2', 'text')) }),
  fc.record({ op: fc.constant('hincrby' as const), key: fc.constantFrom('h1', 'h2'), field, by: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ op: fc.constant('hdel' as const), key: fc.constantFrom('h1', 'h2'), fields: fc.array(field, { maxLength: 2 }) }),
  fc.record({ op: fc.constant('zadd' as const), key: fc.constantFrom('z1', 'z2'), members: fc.array(fc.record({ member: field, score: fc.integer({ min: 0, max: 5 }) }), { maxLength: 3 }) }),
  fc.record({ op: fc.constant('zrem' as const), key: fc.constantFrom('z1', 'z2'), members: fc.array(field, { maxLength: 2 }) }),
  fc.record({ op: fc.constant('set' as const), key, value: fc.constantFrom('x', 'y') }),
  fc.record({ op: fc.constant('del' as const), key }),
);

/** Writes a real store would refuse (a counter over text) are out of scope: the projections never write them. */
function valid(writes: readonly ViewWrite[]): boolean {
  try {
    const model = new ViewModel();
    for (const w of writes) {
      if (w.op === 'hincrby' && model.read({ key: w.key, field: w.field }) !== null && !/^-?\d+$/.test(model.read({ key: w.key, field: w.field })!)) return false;
      model.apply([w]);
    }
    return true;
  } catch {
    return false;
  }
}

describe('compacting a batch of view writes', () => {
  it('leaves the views exactly as the writes one by one would', () => {
    fc.assert(
      fc.property(fc.array(write, { maxLength: 40 }), (writes) => {
        fc.pre(valid(writes) && writes.every((w) => !(['set', 'del'].includes(w.op) && w.key !== 's1')));
        const one = new ViewModel();
        one.apply(writes);
        const compacted = new ViewModel();
        compacted.apply(compactWrites(writes));
        expect({ h: compacted.hashes, z: compacted.zsets, s: compacted.strings }).toEqual({ h: one.hashes, z: one.zsets, s: one.strings });
      }),
      { numRuns: 500 },
    );
  });

  it('folds a batch of counter moves and record updates into one command per key and counter', () => {
    const writes: ViewWrite[] = [
      { op: 'hincrby', key: 'r', field: 'agents.pending', by: 1 },
      { op: 'hset', key: 'agents', fields: { a1: 'v1' } },
      { op: 'hincrby', key: 'r', field: 'agents.pending', by: -1 },
      { op: 'hincrby', key: 'r', field: 'agents.applied', by: 1 },
      { op: 'hset', key: 'agents', fields: { a1: 'v2', a2: 'w' } },
      { op: 'zadd', key: 'z', members: [{ member: 'a1', score: 1 }] },
      { op: 'zrem', key: 'z', members: ['a1'] },
    ];
    expect(compactWrites(writes)).toEqual([
      { op: 'hincrby', key: 'r', field: 'agents.pending', by: 0 },
      { op: 'hincrby', key: 'r', field: 'agents.applied', by: 1 },
      { op: 'hset', key: 'agents', fields: { a1: 'v2', a2: 'w' } },
      { op: 'zrem', key: 'z', members: ['a1'] },
    ]);
  });
});
