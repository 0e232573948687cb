import type { StreamDeclaration } from '@roost/contracts';
import type { StoredEvent } from '@roost/ports';

/** Where a durable consumer stands: every event up to `ackFloor` is acknowledged. */
export interface DurableState {
  ackFloor: number;
  filterSubject: string | undefined;
}

/** One stream's log and bookkeeping. Sequence n is at events[n - 1]. */
export class MemoryStream {
  readonly events: StoredEvent[] = [];
  readonly lastBySubject = new Map<string, number>();
  /** Message id -> sequence and time stored; in insertion (= time) order. */
  readonly dedup = new Map<string, { sequence: number; at: number }>();
  readonly durables = new Map<string, DurableState>();
  private waiters: Array<() => void> = [];

  constructor(readonly declaration: StreamDeclaration) {}

  get lastSequence(): number {
    return this.events.length;
  }

  /** Resolves on the next append (or when `wake` is called). */
  nextAppend(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  forgetExpiredIds(now: number): void {
    for (const [id, { at }] of this.dedup) {
      if (now - at < this.declaration.duplicateWindowMs) break;
      this.dedup.delete(id);
    }
  }
}
