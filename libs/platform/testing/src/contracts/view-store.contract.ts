import { PortError, type ViewStore, type ViewWrite } from '@roost/ports';

export interface ViewStoreFixture {
  /** A store on an empty backend. */
  readonly views: ViewStore;
  close(): Promise<void>;
}

const CP = 'roost:checkpoint:test';

/** The ViewStore contract; each test gets a fresh fixture. */
export function describeViewStoreContract(name: string, setup: () => Promise<ViewStoreFixture>): void {
  describe(`ViewStore contract: ${name}`, () => {
    let fx: ViewStoreFixture;
    let views: ViewStore;
    beforeEach(async () => {
      fx = await setup();
      views = fx.views;
    });
    afterEach(async () => fx.close());

    describe('applyOnce', () => {
      it('applies a batch and records its sequence as the checkpoint', async () => {
        expect(await views.checkpoint(CP)).toBe(0);
        const applied = await views.applyOnce(CP, 7, [
          { op: 'hset', key: 'roost:rollout:r1', fields: { status: 'in_progress', phase: '0' } },
          { op: 'hincrby', key: 'roost:rollout:r1', field: 'updated', by: 2 },
          { op: 'zadd', key: 'roost:rollouts', members: [{ member: 'r1', score: 100 }] },
          { op: 'sadd', key: 'roost:rollout:r1:agents', members: ['a1', 'a2'] },
          { op: 'set', key: 'roost:meta', value: 'x' },
        ]);
        expect(applied).toBe(true);
        expect(await views.checkpoint(CP)).toBe(7);
        expect(await views.hgetall('roost:rollout:r1')).toEqual({ status: 'in_progress', phase: '0', updated: '2' });
        expect(await views.zrange('roost:rollouts')).toEqual([{ member: 'r1', score: 100 }]);
        expect(await views.smembers('roost:rollout:r1:agents')).toEqual(['a1', 'a2']);
        expect(await views.get('roost:meta')).toBe('x');
      });

      it('skips a batch whose sequence is not above the checkpoint, so counts never double', async () => {
        const bump: ViewWrite[] = [{ op: 'hincrby', key: 'roost:count', field: 'n', by: 1 }];
        expect(await views.applyOnce(CP, 1, bump)).toBe(true);
        expect(await views.applyOnce(CP, 1, bump)).toBe(false);
        expect(await views.applyOnce(CP, 2, bump)).toBe(true);
        expect(await views.applyOnce(CP, 1, bump)).toBe(false);
        expect(await views.hget('roost:count', 'n')).toBe('2');
        expect(await views.checkpoint(CP)).toBe(2);
      });

      it('keeps checkpoints apart by key', async () => {
        await views.applyOnce('roost:cp:a', 5, [{ op: 'set', key: 'roost:a', value: '1' }]);
        expect(await views.applyOnce('roost:cp:b', 1, [{ op: 'set', key: 'roost:b', value: '1' }])).toBe(true);
        expect(await views.checkpoint('roost:cp:a')).toBe(5);
      });

      it('applies exactly one of two racing batches with the same sequence', async () => {
        const bump: ViewWrite[] = [{ op: 'hincrby', key: 'roost:race', field: 'n', by: 1 }];
        const results = await Promise.all([views.applyOnce(CP, 3, bump), views.applyOnce(CP, 3, bump)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await views.hget('roost:race', 'n')).toBe('1');
      });

      it('runs the writes of a batch in order', async () => {
        await views.applyOnce(CP, 1, [
          { op: 'set', key: 'roost:k', value: 'first' },
          { op: 'del', key: 'roost:k' },
          { op: 'sadd', key: 'roost:k', members: ['m'] },
          { op: 'hset', key: 'roost:h', fields: { a: '1', b: '2' } },
          { op: 'hdel', key: 'roost:h', fields: ['a'] },
          { op: 'zadd', key: 'roost:z', members: [{ member: 'x', score: 1 }, { member: 'y', score: 2 }] },
          { op: 'zrem', key: 'roost:z', members: ['x'] },
          { op: 'sadd', key: 'roost:s', members: ['p', 'q'] },
          { op: 'srem', key: 'roost:s', members: ['p'] },
        ]);
        expect(await views.smembers('roost:k')).toEqual(['m']);
        expect(await views.hgetall('roost:h')).toEqual({ b: '2' });
        expect(await views.zrange('roost:z')).toEqual([{ member: 'y', score: 2 }]);
        expect(await views.smembers('roost:s')).toEqual(['q']);
      });

      it('rejects a batch with a write against a key of another type and applies none of it', async () => {
        await views.applyOnce(CP, 1, [{ op: 'set', key: 'roost:str', value: 'v' }]);
        const error = await views
          .applyOnce(CP, 2, [
            { op: 'hset', key: 'roost:ok', fields: { a: '1' } },
            { op: 'sadd', key: 'roost:str', members: ['m'] },
          ])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PortError);
        expect((error as PortError).code).toBe('invalid_argument');
        expect(await views.hgetall('roost:ok')).toEqual({});
        expect(await views.checkpoint(CP)).toBe(1);
      });

      it('rejects hincrby on a field that holds no integer and applies none of the batch', async () => {
        await views.applyOnce(CP, 1, [{ op: 'hset', key: 'roost:h', fields: { name: 'abc' } }]);
        const error = await views
          .applyOnce(CP, 2, [
            { op: 'set', key: 'roost:side', value: 'effect' },
            { op: 'hincrby', key: 'roost:h', field: 'name', by: 1 },
          ])
          .catch((e: unknown) => e);
        expect((error as PortError).code).toBe('invalid_argument');
        expect(await views.get('roost:side')).toBeNull();
      });

      it('applies large batches', async () => {
        const members = [...Array(5_000).keys()].map((i) => `agent-${String(i).padStart(5, '0')}`);
        const writes: ViewWrite[] = [
          { op: 'sadd', key: 'roost:big:set', members },
          { op: 'zadd', key: 'roost:big:z', members: members.map((member, score) => ({ member, score })) },
          ...members.slice(0, 1_000).map((m): ViewWrite => ({ op: 'hincrby', key: 'roost:big:h', field: m, by: 1 })),
        ];
        expect(await views.applyOnce(CP, 1, writes)).toBe(true);
        expect(await views.smembers('roost:big:set')).toHaveLength(5_000);
        expect(await views.zcard('roost:big:z')).toBe(5_000);
        expect(Object.keys(await views.hgetall('roost:big:h'))).toHaveLength(1_000);
      });
    });

    describe('reads', () => {
      beforeEach(async () => {
        await views.applyOnce(CP, 1, [
          {
            op: 'zadd',
            key: 'roost:z',
            members: [
              { member: 'c', score: 2 },
              { member: 'a', score: 1 },
              { member: 'b', score: 2 },
              { member: 'd', score: 3.5 },
              { member: 'e', score: -1 },
            ],
          },
        ]);
      });

      it('answers empty for keys that do not exist', async () => {
        expect(await views.get('roost:none')).toBeNull();
        expect(await views.hget('roost:none', 'f')).toBeNull();
        expect(await views.hgetall('roost:none')).toEqual({});
        expect(await views.smembers('roost:none')).toEqual([]);
        expect(await views.zrange('roost:none')).toEqual([]);
        expect(await views.zcard('roost:none')).toBe(0);
        expect(await views.zscore('roost:z', 'nobody')).toBeNull();
      });

      it('ranges a sorted set by rank, ties ordered by member, with paging and reverse', async () => {
        const members = async (q: Parameters<ViewStore['zrange']>[1]): Promise<string[]> =>
          (await views.zrange('roost:z', q)).map((m) => m.member);
        expect(await members({})).toEqual(['e', 'a', 'b', 'c', 'd']);
        expect(await members({ offset: 1, count: 2 })).toEqual(['a', 'b']);
        expect(await members({ reverse: true })).toEqual(['d', 'c', 'b', 'a', 'e']);
        expect(await members({ reverse: true, offset: 3, count: 5 })).toEqual(['a', 'e']);
        expect(await members({ offset: 10 })).toEqual([]);
        expect(await views.zscore('roost:z', 'd')).toBe(3.5);
        expect(await views.zcard('roost:z')).toBe(5);
      });

      it('ranges a sorted set by score, bounds inclusive, with paging and reverse', async () => {
        const range = async (q: Parameters<ViewStore['zrange']>[1]): Promise<string[]> =>
          (await views.zrange('roost:z', { by: 'score', ...q })).map((m) => m.member);
        expect(await range({ min: 1, max: 2 })).toEqual(['a', 'b', 'c']);
        expect(await range({ min: 2 })).toEqual(['b', 'c', 'd']);
        expect(await range({ max: 1 })).toEqual(['e', 'a']);
        expect(await range({ min: 1, max: 3.5, offset: 1, count: 2 })).toEqual(['b', 'c']);
        expect(await range({ min: 1, max: 3.5, reverse: true })).toEqual(['d', 'c', 'b', 'a']);
        expect(await range({ reverse: true, offset: 1, count: 2 })).toEqual(['c', 'b']);
        expect(await views.zrange('roost:z', { by: 'score', min: 3, max: 4 })).toEqual([{ member: 'd', score: 3.5 }]);
      });

      it('lists keys by literal prefix and deletes by prefix', async () => {
        await views.applyOnce(CP, 2, [
          { op: 'set', key: 'roost:a*1', value: '1' },
          { op: 'set', key: 'roost:ab', value: '1' },
          { op: 'set', key: 'roost:a*2', value: '1' },
          { op: 'set', key: 'other:a*3', value: '1' },
        ]);
        expect(await views.scanKeys('roost:a*')).toEqual(['roost:a*1', 'roost:a*2']);
        expect(await views.scanKeys('roost:')).toEqual(['roost:a*1', 'roost:a*2', 'roost:ab', CP, 'roost:z'].sort());
        expect(await views.deleteByPrefix('roost:a')).toBe(3);
        expect(await views.scanKeys('roost:a')).toEqual([]);
        expect(await views.get('other:a*3')).toBe('1');
      });
    });
  });
}
