import { FOLLOWER_PLACEMENT, placeOnLeader, type LeaderPlacement } from './leader-placement';

/** A cluster as the placement sees it: each creation lands where `draws` says, `lost` never answers. */
function cluster(draws: string[], options: { leader?: string; lost?: string; answerMs?: number } = {}) {
  const created: string[] = [];
  const dropped: string[] = [];
  let serial = 0;
  const placement: LeaderPlacement<{ name: string; on: string | undefined }> = {
    create: async () => {
      const on = draws.shift() ?? 'n1';
      const name = `c${++serial}`;
      created.push(`${name}@${on}`);
      if (on === options.lost) {
        await new Promise((resolve) => setTimeout(resolve, options.answerMs ?? 20));
        throw new Error(`${name}: timeout`);
      }
      return { name, on: on === 'none' ? undefined : on };
    },
    placedOn: (consumer) => consumer.on,
    drop: async (consumer) => void dropped.push(consumer.name),
    leader: async () => options.leader ?? 'n1',
  };
  return { placement, created, dropped };
}

describe('placeOnLeader', () => {
  it('takes the first creation when it lands with the leader, and creates nothing more', async () => {
    const { placement, created, dropped } = cluster(['n1']);
    await expect(placeOnLeader(placement, FOLLOWER_PLACEMENT)).resolves.toEqual({ name: 'c1', on: 'n1' });
    expect(created).toEqual(['c1@n1']);
    expect(dropped).toEqual([]);
  });

  it('takes a consumer of a server outside a cluster, which names no placement', async () => {
    const { placement, created } = cluster(['none']);
    await expect(placeOnLeader(placement, FOLLOWER_PLACEMENT)).resolves.toMatchObject({ name: 'c1' });
    expect(created).toHaveLength(1);
  });

  it('after a miss, creates several at once and takes the one on the leader; the others are dropped', async () => {
    const { placement, created, dropped } = cluster(['n2', 'n3', 'n1', 'n2'], { lost: 'n3' });
    await expect(placeOnLeader(placement, { width: 3, budgetMs: 10_000, anyCopyAfterBudget: false })).resolves.toMatchObject({ name: 'c3', on: 'n1' });
    expect(created).toEqual(['c1@n2', 'c2@n3', 'c3@n1', 'c4@n2']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(dropped.sort()).toEqual(['c1', 'c4']);
  });

  it('keeps trying while creations land off the leader or on a lost node, within its budget', async () => {
    const { placement } = cluster(['n3', 'n3', 'n3', 'n3', 'n2', 'n3', 'n2', 'n1'], { lost: 'n3' });
    await expect(placeOnLeader(placement, { width: 3, budgetMs: 10_000, anyCopyAfterBudget: false })).resolves.toMatchObject({ on: 'n1' });
  });

  it('once the budget is spent, takes a consumer on any copy that answers, where the limits allow it', async () => {
    const { placement } = cluster(Array.from({ length: 50 }, () => 'n2'));
    await expect(placeOnLeader(placement, { width: 2, budgetMs: 0, anyCopyAfterBudget: true })).resolves.toMatchObject({ on: 'n2' });
  });

  it('never takes a copy off the leader where the limits forbid it: past the budget it says so', async () => {
    const { placement, dropped } = cluster(Array.from({ length: 50 }, () => 'n2'));
    await expect(placeOnLeader(placement, { width: 2, budgetMs: 0, anyCopyAfterBudget: false })).rejects.toThrow(/no consumer landed on the stream's leader/);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(dropped.length).toBeGreaterThan(0);
  });

  it('rejects with the creation error when nothing answers after the budget', async () => {
    const { placement } = cluster(Array.from({ length: 50 }, () => 'n3'), { lost: 'n3', answerMs: 1 });
    await expect(placeOnLeader(placement, { width: 2, budgetMs: 5, anyCopyAfterBudget: true })).rejects.toThrow(/timeout/);
  });
});
