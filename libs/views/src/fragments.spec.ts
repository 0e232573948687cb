import { FragmentCache } from './fragments';

describe('FragmentCache.fillBehind', () => {
  it('brings fragments read ahead of a write up to date with that write', () => {
    const cache = new FragmentCache();
    const count = { key: 'roost:r:1', field: 'applied' };
    const status = { key: 'roost:r:1:status' };
    const name = { key: 'roost:a:1', field: 'name' };
    const gone = { key: 'roost:a:2', field: 'name' };
    // Read before these writes ran: 4 applied, status "running", a name, and a record since deleted.
    cache.fillBehind([count, status, name, gone], ['4', 'running', 'old', 'x'], [
      { op: 'hincrby', key: 'roost:r:1', field: 'applied', by: 3 },
      { op: 'set', key: 'roost:r:1:status', value: 'completed' },
      { op: 'hset', key: 'roost:a:1', fields: { name: 'new', other: 'y' } },
      { op: 'del', key: 'roost:a:2' },
    ]);
    expect([cache.read(count), cache.read(status), cache.read(name), cache.read(gone)]).toEqual(['7', 'completed', 'new', null]);
  });

  it('keeps a fragment it holds already: what it holds is newer than any read', () => {
    const cache = new FragmentCache();
    const count = { key: 'roost:r:1', field: 'applied' };
    cache.fill(count, '9');
    cache.fillBehind([count], ['4'], [{ op: 'hincrby', key: 'roost:r:1', field: 'applied', by: 3 }]);
    expect(cache.read(count)).toBe('9');
  });

  it('fills what was read as it was when no write went out after the read', () => {
    const cache = new FragmentCache();
    cache.fillBehind([{ key: 'k' }, { key: 'h', field: 'f' }], [null, '1'], []);
    expect([cache.read({ key: 'k' }), cache.read({ key: 'h', field: 'f' }), cache.size]).toEqual([null, '1', 2]);
  });
});
