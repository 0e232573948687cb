import { silentLogger } from '@roost/ports';
import { BodyBudget, BodyHolder, SMALL_BODY_BYTES } from './body-budget';

const KiB = 1024;

describe('BodyBudget', () => {
  const budgetOf = (limit: number) => {
    const refusals: number[] = [];
    const budget = new BodyBudget(limit, { logger: silentLogger, now: () => 0, refused: () => refusals.push(1) });
    return { budget, refusals };
  };

  it('lets bodies grow until the budget would be passed, then refuses without changing anything', () => {
    const { budget, refusals } = budgetOf(800 * KiB);
    const [a, b] = [new BodyHolder(), new BodyHolder()];
    expect(budget.hold(a, 300 * KiB)).toBe(true);
    expect(budget.hold(b, 300 * KiB)).toBe(true);
    // 700 KiB is the most large bodies may hold (the last eighth, 100 KiB, is for small ones).
    expect(budget.hold(b, 401 * KiB)).toBe(false);
    expect(b.bytes).toBe(300 * KiB);
    expect(budget.used).toBe(600 * KiB);
    expect(refusals).toHaveLength(1);
  });

  it('keeps the last eighth for small bodies, so large ones held open cannot stop them', () => {
    const { budget } = budgetOf(800 * KiB);
    expect(budget.hold(new BodyHolder(), 700 * KiB)).toBe(true);
    expect(budget.hold(new BodyHolder(), SMALL_BODY_BYTES + 1)).toBe(false);
    const small = new BodyHolder();
    expect(budget.hold(small, SMALL_BODY_BYTES)).toBe(true);
    budget.release(small);
    expect(budget.used).toBe(700 * KiB);
  });

  it('gives back what a body held when released', () => {
    const { budget } = budgetOf(800 * KiB);
    const holder = new BodyHolder();
    budget.hold(holder, 500 * KiB);
    budget.release(holder);
    expect(budget.used).toBe(0);
    expect(holder.bytes).toBe(0);
  });
});
