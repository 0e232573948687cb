/**
 * The gateway-wide budget for bytes held in messages: partly received, queued for handling, or
 * written but not yet taken by the kernel. Every holder (a socket's inbound side, an HTTP body,
 * a socket's outbound side) declares what it holds; growing past a limit is refused and leaves
 * the holder as it was. Before its first message is handled a connection holds up to
 * `preAuthAllowance` from the budget alone, and what it holds beyond that from the smaller
 * pre-authentication pool too: an agent's first message carries its full state, so honest first
 * messages fit the allowance and only strangers holding large messages compete for the pool.
 * The last `smallReserveBytes` of the budget are kept for holdings within that allowance, so
 * connections holding large messages cannot stop ordinary ones (a status report, a heartbeat).
 */
export interface MemoryBudgetLimits {
  /** Bytes the gateway may hold in messages, in total. */
  readonly totalBytes: number;
  /** Of which connections that have not yet had a message handled may hold beyond their allowance. */
  readonly preAuthBytes: number;
  /** What one such connection holds before it draws on the pre-authentication pool. */
  readonly preAuthAllowance: number;
  /** Of the total, what only holdings up to `preAuthAllowance` may use. */
  readonly smallReserveBytes: number;
}

/** What one holder holds; owned by the budget's `resize`. */
export class BudgetHolder {
  bytes = 0;
  preAuthBytes = 0;
}

/** Why growing was refused: the whole budget, or the pre-authentication pool. */
export type BudgetRefusal = 'memory_budget' | 'pre_auth_budget';

export class MemoryBudget {
  used = 0;
  preAuthUsed = 0;

  constructor(readonly limits: MemoryBudgetLimits) {}

  /** Sets what `holder` holds to `bytes`; null when done, else why it was refused (nothing changed). */
  resize(holder: BudgetHolder, bytes: number, preAuth: boolean): BudgetRefusal | null {
    const preAuthBytes = preAuth && bytes > this.limits.preAuthAllowance ? bytes - this.limits.preAuthAllowance : 0;
    const grows = bytes - holder.bytes;
    const preAuthGrows = preAuthBytes - holder.preAuthBytes;
    const limit = bytes > this.limits.preAuthAllowance ? this.limits.totalBytes - this.limits.smallReserveBytes : this.limits.totalBytes;
    if (grows > 0 && this.used + grows > limit) return 'memory_budget';
    if (preAuthGrows > 0 && this.preAuthUsed + preAuthGrows > this.limits.preAuthBytes) return 'pre_auth_budget';
    this.used += grows;
    this.preAuthUsed += preAuthGrows;
    holder.bytes = bytes;
    holder.preAuthBytes = preAuthBytes;
    return null;
  }

  /** Releases whatever `holder` holds. */
  release(holder: BudgetHolder): void {
    this.used -= holder.bytes;
    this.preAuthUsed -= holder.preAuthBytes;
    holder.bytes = 0;
    holder.preAuthBytes = 0;
  }
}

/** Bounds of the default budget: a quarter of the memory the process may use, within these. */
const MIN_DEFAULT_BUDGET = 32 * 1024 * 1024;
const MAX_DEFAULT_BUDGET = 1024 * 1024 * 1024;

/**
 * The default budget: a quarter of the memory limit (the cgroup's `memory.max` when there is
 * one, else the machine's memory), at least 32 MiB and at most 1 GiB. A 1 GiB pod gets 256 MiB.
 */
export function defaultMemoryBudget(memoryLimitBytes: number): number {
  return Math.min(MAX_DEFAULT_BUDGET, Math.max(MIN_DEFAULT_BUDGET, Math.floor(memoryLimitBytes / 4)));
}

/** The cgroup v2 `memory.max` text ("max" or bytes) as a limit; null when it sets none. */
export function cgroupMemoryLimit(text: string | null): number | null {
  if (text === null) return null;
  const value = Number(text.trim());
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}
