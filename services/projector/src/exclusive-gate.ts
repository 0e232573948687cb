/**
 * Lets the consumers of several streams apply events side by side, while a rebuild runs alone:
 * `exclusive` waits for the shared sections in flight, and shared sections wait for it.
 */
export class ExclusiveGate {
  private active = 0;
  private exclusiveRun: Promise<unknown> | null = null;
  private drained: (() => void) | null = null;

  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.exclusiveRun !== null) await this.exclusiveRun.catch(() => undefined);
    this.active += 1;
    try {
      return await work();
    } finally {
      this.active -= 1;
      if (this.active === 0) this.drained?.();
    }
  }

  /** Runs `work` alone; a second call while one runs waits for it and then runs too. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.exclusiveRun !== null) await this.exclusiveRun.catch(() => undefined);
    const run = this.runAlone(work);
    this.exclusiveRun = run;
    try {
      return await run;
    } finally {
      if (this.exclusiveRun === run) this.exclusiveRun = null;
    }
  }

  get busy(): boolean {
    return this.exclusiveRun !== null;
  }

  private async runAlone<T>(work: () => Promise<T>): Promise<T> {
    if (this.active > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.drained = null;
    return work();
  }
}
