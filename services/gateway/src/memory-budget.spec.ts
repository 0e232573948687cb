import { BudgetHolder, cgroupMemoryLimit, defaultMemoryBudget, MemoryBudget } from './memory-budget';

const MiB = 1024 * 1024;

describe('MemoryBudget', () => {
  const limits = { totalBytes: 10 * MiB, preAuthBytes: 2 * MiB, preAuthAllowance: MiB, smallReserveBytes: 0 };

  it('refuses growth past the total and leaves the holder as it was', () => {
    const budget = new MemoryBudget(limits);
    const a = new BudgetHolder();
    const b = new BudgetHolder();
    expect(budget.resize(a, 8 * MiB, false)).toBeNull();
    expect(budget.resize(b, 3 * MiB, false)).toBe('memory_budget');
    expect(b.bytes).toBe(0);
    expect(budget.used).toBe(8 * MiB);
    expect(budget.resize(b, 2 * MiB, false)).toBeNull();
    expect(budget.used).toBe(10 * MiB);
  });

  it('always lets a holder shrink, even with the budget full', () => {
    const budget = new MemoryBudget(limits);
    const a = new BudgetHolder();
    budget.resize(a, 10 * MiB, false);
    expect(budget.resize(a, 4 * MiB, false)).toBeNull();
    expect(budget.used).toBe(4 * MiB);
  });

  it('keeps the reserve for holdings within the allowance', () => {
    const budget = new MemoryBudget({ ...limits, smallReserveBytes: 2 * MiB });
    const large = new BudgetHolder();
    expect(budget.resize(large, 8 * MiB, false)).toBeNull();
    expect(budget.resize(new BudgetHolder(), 2 * MiB, false)).toBe('memory_budget');
    expect(budget.resize(large, 8 * MiB + 1, false)).toBe('memory_budget');
    expect(budget.resize(new BudgetHolder(), MiB, false)).toBeNull();
    expect(budget.resize(new BudgetHolder(), MiB, false)).toBeNull();
    expect(budget.resize(new BudgetHolder(), 1, false)).toBe('memory_budget');
  });

  it('draws what an unauthenticated holder holds beyond its allowance from the pre-auth pool', () => {
    const budget = new MemoryBudget(limits);
    const strangers = [new BudgetHolder(), new BudgetHolder(), new BudgetHolder()];
    expect(budget.resize(strangers[0] as BudgetHolder, 2 * MiB, true)).toBeNull();
    expect(budget.resize(strangers[1] as BudgetHolder, 2 * MiB, true)).toBeNull();
    expect(budget.preAuthUsed).toBe(2 * MiB);
    expect(budget.resize(strangers[2] as BudgetHolder, 2 * MiB, true)).toBe('pre_auth_budget');
    // An honest first message within the allowance still fits, and so does an agent's message.
    expect(budget.resize(strangers[2] as BudgetHolder, MiB, true)).toBeNull();
    expect(budget.resize(new BudgetHolder(), 3 * MiB, false)).toBeNull();
  });

  it('moves a holder out of the pre-auth pool once it is authenticated, and releases everything', () => {
    const budget = new MemoryBudget(limits);
    const a = new BudgetHolder();
    budget.resize(a, 3 * MiB, true);
    expect(budget.preAuthUsed).toBe(2 * MiB);
    expect(budget.resize(a, 3 * MiB, false)).toBeNull();
    expect(budget.preAuthUsed).toBe(0);
    budget.release(a);
    expect([budget.used, budget.preAuthUsed, a.bytes]).toEqual([0, 0, 0]);
  });
});

describe('defaultMemoryBudget', () => {
  it('is a quarter of the memory limit, between 32 MiB and 1 GiB', () => {
    expect(defaultMemoryBudget(1024 * MiB)).toBe(256 * MiB);
    expect(defaultMemoryBudget(64 * MiB)).toBe(32 * MiB);
    expect(defaultMemoryBudget(64 * 1024 * MiB)).toBe(1024 * MiB);
  });

  it('reads a cgroup limit, and none from "max"', () => {
    expect(cgroupMemoryLimit('1073741824\n')).toBe(1024 * MiB);
    expect(cgroupMemoryLimit('max\n')).toBeNull();
    expect(cgroupMemoryLimit(null)).toBeNull();
  });
});
