import type { Logger } from '@roost/ports';

/** How often refusals are logged at most (each log says how many since the last). */
export const BODY_REFUSAL_LOG_INTERVAL_MS = 10_000;

/** Bodies up to this size may use the whole budget; larger ones leave the last eighth to them. */
export const SMALL_BODY_BYTES = 64 * 1024;

/** What one request body holds; owned by the budget. */
export class BodyHolder {
  bytes = 0;
}

/**
 * The process-wide budget of bytes held in request bodies being received: a body that would
 * pass it is refused (503, Retry-After) and what it held is released. The last eighth is kept
 * for bodies of at most SMALL_BODY_BYTES (an action, a token, most configs), so large bodies
 * held open cannot stop ordinary requests. Every refusal is counted; they are logged at most
 * once per interval, with the counts since the last log.
 */
export class BodyBudget {
  used = 0;
  private refusedSinceLog = 0;
  private lastLog = -Infinity;

  constructor(
    readonly limitBytes: number,
    private readonly deps: { readonly logger: Logger; readonly now: () => number; readonly refused: () => void },
  ) {}

  /** Sets what `holder` holds to `bytes`; false (nothing changed) when that would pass the budget. */
  hold(holder: BodyHolder, bytes: number): boolean {
    const grows = bytes - holder.bytes;
    const limit = bytes > SMALL_BODY_BYTES ? this.limitBytes - Math.floor(this.limitBytes / 8) : this.limitBytes;
    if (grows > 0 && this.used + grows > limit) {
      this.refuse();
      return false;
    }
    this.used += grows;
    holder.bytes = bytes;
    return true;
  }

  release(holder: BodyHolder): void {
    this.used -= holder.bytes;
    holder.bytes = 0;
  }

  private refuse(): void {
    this.deps.refused();
    this.refusedSinceLog += 1;
    const at = this.deps.now();
    if (at - this.lastLog < BODY_REFUSAL_LOG_INTERVAL_MS) return;
    this.lastLog = at;
    this.deps.logger.warn(
      { refused: this.refusedSinceLog, heldBytes: this.used, budgetBytes: this.limitBytes },
      'refusing request bodies: the admin API holds as many bytes of bodies being received as it may (counts since the last such log)',
    );
    this.refusedSinceLog = 0;
  }
}
