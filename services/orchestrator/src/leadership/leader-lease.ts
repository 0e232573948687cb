import { z } from 'zod';
import { jsonContract } from '@roost/contracts';
import { KvConflictError, type KeyValueStore, type KvEntry, type Logger, type Subscription } from '@roost/ports';

const leaseSchema = z.object({ holder: z.string(), acquiredAt: z.number(), renewedAt: z.number() });
type LeaseValue = z.infer<typeof leaseSchema>;
const leaseContract = jsonContract<LeaseValue>('orchestrator lease', leaseSchema);

export interface LeaseOptions {
  readonly key: string;
  readonly holder: string;
  readonly ttlMs: number;
  readonly renewMs: number;
  readonly retryMs: number;
  readonly now: () => number;
  readonly logger: Logger;
  /** A number in [0, 1) that spreads standbys' campaigns apart; Math.random unless a test fixes it. */
  readonly random?: () => number;
}

export interface LeaseCallbacks {
  /** This process now leads. Runs alongside renewals; it must check `canAct` as it goes. */
  elected(): Promise<void>;
  /** This process must stop acting as leader at once. */
  deposed(reason: string): void;
}

/** Time kept in hand before the TTL: a leader stops writing this long before its lease could lapse. */
const SAFETY_MS = 1_000;
/** A standby takes a lease over this long after the holder's fence closed (clock rates, timers). */
const LAPSE_MARGIN_MS = 250;
/** A new holder confirms its lease this long after winning it, before it leads (see `confirmed`). */
const CONFIRM_AFTER_MS = 300;

/**
 * Leader election through the `leases` bucket: the leader holds `key` (created when absent,
 * renewed by compare-and-set well inside the bucket TTL). A leader that cannot renew steps
 * down before the TTL lets another one in (`canAct` is the fence: it acts only until
 * `renewedAt + ttl - SAFETY_MS`). A standby watches the key: it creates it once the leader
 * deleted it on a clean stop or its entry expired, and it takes over a lease whose holder
 * stopped renewing by compare-and-set on the revision it last saw, as soon as that holder's
 * fence has surely closed — `ttl - SAFETY_MS` (plus a margin) after it saw the renewal, on its
 * own clock, which can only be later than the holder's renewal. So a standby leads within the
 * TTL of the last renewal (plus up to one retry interval), not a TTL plus the server's expiry
 * sweep plus a retry.
 *
 * Standbys that saw the same entry at the same moment would campaign in the same instant, every
 * time: on a clustered server both writes can pass and then neither confirms (see `confirmed`),
 * round after round, and nobody leads (seen after a frozen node thawed). So each standby waits a
 * random part of its retry interval more, drawn afresh for every entry it sees and every retry:
 * the first to campaign writes alone, and the others see its entry before their turn comes.
 */
export class LeaderLease {
  private revision: number | null = null;
  private renewedAt = 0;
  private acquiredAt = 0;
  private takeover: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  /** Deposes this leader when its lease lapses with a renewal still in flight (a frozen server). */
  private fence: NodeJS.Timeout | null = null;
  private stopped = false;
  private busy: Promise<void> = Promise.resolve();
  /** The holder's entry as this standby last saw it, and when (own clock); null: none seen. */
  private seen: { readonly revision: number; readonly at: number } | null = null;
  private watch: Subscription | null = null;
  /** This standby's random share of a retry interval, added to the lapse it waits for. */
  private spread = 0;

  constructor(
    private readonly bucket: KeyValueStore,
    private readonly options: LeaseOptions,
    private readonly callbacks: LeaseCallbacks,
  ) {}

  get leading(): boolean {
    return this.revision !== null;
  }

  /** True while this process leads and its lease is surely still valid. */
  canAct(): boolean {
    return this.revision !== null && this.options.now() < this.renewedAt + this.options.ttlMs - SAFETY_MS;
  }

  start(): void {
    this.bucket
      .watch((entry) => this.observe(entry), { key: this.options.key, includeInitial: true })
      .then(
        (subscription) => {
          if (this.stopped) subscription.unsubscribe();
          else this.watch = subscription;
        },
        (error: unknown) => this.options.logger.warn({ err: String(error) }, 'could not watch the orchestrator lease; a standby takes over only once it expires'),
      );
    this.schedule(0);
  }

  private observe(entry: KvEntry): void {
    this.seen = entry.operation === 'PUT' ? { revision: entry.revision, at: this.options.now() } : null;
    this.spread = this.randomShareOfRetry();
  }

  /** When a standby may take over the lease it last saw; 0 when it saw none. */
  private lapsesAt(): number {
    return this.seen === null ? 0 : this.seen.at + this.options.ttlMs - SAFETY_MS + LAPSE_MARGIN_MS + this.spread;
  }

  private randomShareOfRetry(): number {
    return Math.floor((this.options.random ?? Math.random)() * this.options.retryMs);
  }

  /** Stops campaigning; a leader deletes its lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.unsubscribe();
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.fence !== null) clearTimeout(this.fence);
    await this.busy;
    await this.takeover;
    if (this.revision !== null) {
      this.revision = null;
      await this.bucket.delete(this.options.key).catch((error: unknown) => this.options.logger.warn({ err: String(error) }, 'could not release the orchestrator lease'));
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.busy = this.step().catch((error: unknown) => this.options.logger.error({ err: String(error) }, 'lease step failed'));
    }, delayMs);
  }

  private async step(): Promise<void> {
    if (this.revision === null) await this.tryAcquire();
    else await this.renew();
    if (this.revision !== null) return this.schedule(this.options.renewMs);
    // A standby tries again at its retry pace (spread at random), or at the moment the lease it saw lapses.
    const retryMs = Math.ceil(this.options.retryMs / 2) + this.randomShareOfRetry();
    const untilLapse = this.lapsesAt() - this.options.now();
    this.schedule(untilLapse > 0 ? Math.min(retryMs, untilLapse) : retryMs);
  }

  private async tryAcquire(): Promise<void> {
    const now = this.options.now();
    const seen = this.seen;
    const value = leaseContract.encode({ holder: this.options.holder, acquiredAt: now, renewedAt: now });
    try {
      if (seen !== null && now < this.lapsesAt()) return;
      // A lease seen and not renewed in time is taken over, unless renewed meanwhile (conflict).
      const won = seen !== null ? await this.takeOver(seen.revision, value) : await this.bucket.create(this.options.key, value);
      const held = await this.confirmed(won, value, now);
      if (held === null) return;
      this.revision = held;
    } catch (error) {
      if (!(error instanceof KvConflictError)) this.options.logger.warn({ err: String(error) }, 'could not campaign for the orchestrator lease; retrying');
      return;
    }
    if (seen !== null) this.options.logger.warn({ holder: this.options.holder, lapsedMs: now - seen.at }, 'the orchestrator lease was not renewed in time: taken over');
    this.renewedAt = now;
    this.acquiredAt = now;
    this.armFence();
    this.options.logger.info({ holder: this.options.holder, key: this.options.key }, 'elected orchestrator leader');
    this.takeover = this.callbacks.elected().catch(async (error: unknown) => {
      this.options.logger.error({ err: String(error) }, 'taking over as leader failed; stepping down');
      this.depose('takeover failed');
      await this.bucket.delete(this.options.key).catch(() => undefined);
    });
  }

  /**
   * A clustered NATS server checks a compare-and-set before it replicates the write, not as part
   * of it: older servers (2.9.10, as Debian ships it) let a second write through while the first
   * is in flight (nats-server#4320), and newer ones forget writes in flight when the stream's
   * leader changes (nats-server#8469). So two standbys that campaign in the same instant can
   * both be told they won; the bucket keeps the write applied last. Once both writes have surely
   * landed, each winner confirms with one more compare-and-set on the revision it won: only the
   * write the bucket kept still matches. (A read alone would not do: a KV read may be answered by
   * a copy still catching up, and say the entry is missing.)
   *
   * The same servers, after a stream leader change, can also answer a write with a revision that
   * is not the one it was stored at (seen on a 3-node cluster after a frozen node thawed: a lone
   * standby's create, answered "revision 25", could never be confirmed on 25, round after round).
   * So when the confirmation conflicts and the entry holds this very campaign (this holder, this
   * acquisition time) at another revision, one compare-and-set on that revision decides.
   * Resolves with the confirmed revision, or null.
   */
  private async confirmed(revision: number, value: Uint8Array, acquiredAt: number): Promise<number | null> {
    await new Promise((resolve) => setTimeout(resolve, CONFIRM_AFTER_MS));
    try {
      return await this.bucket.update(this.options.key, value, revision);
    } catch (error) {
      if (!(error instanceof KvConflictError)) {
        this.options.logger.warn({ holder: this.options.holder, revision, err: String(error) }, 'could not confirm the orchestrator lease; standing by');
        return null;
      }
    }
    const stored = await this.ownEntry(acquiredAt);
    if (stored !== null && stored.revision !== revision) {
      this.options.logger.warn({ holder: this.options.holder, answered: revision, stored: stored.revision }, 'the server answered the lease write with another revision than it stored; confirming on the stored one');
      try {
        return await this.bucket.update(this.options.key, value, stored.revision);
      } catch {
        // Another write came after it: that one holds the lease.
      }
    }
    this.options.logger.warn({ holder: this.options.holder, revision }, 'another process won the orchestrator lease in the same instant; this one stays standby');
    return null;
  }

  /** Compare-and-set on the revision seen; the entry may have expired meanwhile (then created). */
  private async takeOver(revision: number, value: Uint8Array): Promise<number> {
    if ((await this.bucket.get(this.options.key)) === null) {
      this.options.logger.info({ holder: this.options.holder }, 'the lease it saw had expired; creating it anew');
      return this.bucket.create(this.options.key, value);
    }
    return this.bucket.update(this.options.key, value, revision);
  }

  private async renew(): Promise<void> {
    const now = this.options.now();
    const revision = this.revision;
    if (revision === null) return;
    try {
      const renewed = await this.bucket.update(this.options.key, leaseContract.encode({ holder: this.options.holder, acquiredAt: this.acquiredAt, renewedAt: now }), revision);
      // Deposed while the renewal was in flight: stay deposed; the entry lapses with its TTL.
      if (this.revision !== revision) return;
      this.revision = renewed;
      this.renewedAt = now;
      this.armFence();
    } catch (error) {
      if (error instanceof KvConflictError) {
        if (await this.ownRenewalLanded(revision)) return this.renew();
        return this.depose('another process holds the lease');
      }
      this.options.logger.warn({ err: String(error) }, 'could not renew the orchestrator lease');
      if (!this.canAct()) this.depose('lease could not be renewed in time');
    }
  }

  /**
   * A renewal whose answer was lost (a timeout while the stream's leader changed), or answered
   * with another revision than it was stored at (see `confirmed`), may have landed all the same:
   * the entry then holds this very lease (this holder, acquired at the same time) at another
   * revision, and this process goes on from there instead of stepping down.
   */
  private async ownRenewalLanded(revision: number): Promise<boolean> {
    const stored = await this.ownEntry(this.acquiredAt);
    if (stored === null || stored.revision === revision || this.revision !== revision) return false;
    this.options.logger.info({ holder: this.options.holder, revision: stored.revision }, 'a renewal whose answer was lost or wrong had landed; keeping the lease');
    this.revision = stored.revision;
    this.renewedAt = Math.max(this.renewedAt, stored.lease.renewedAt);
    this.armFence();
    return true;
  }

  /** The lease entry, when it holds this holder's lease acquired at `acquiredAt`; null otherwise or unreadable. */
  private async ownEntry(acquiredAt: number): Promise<{ revision: number; lease: LeaseValue } | null> {
    const entry = await this.bucket.get(this.options.key).catch(() => null);
    if (entry === null) return null;
    try {
      const lease = leaseContract.decode(entry.value);
      return lease.holder === this.options.holder && lease.acquiredAt === acquiredAt ? { revision: entry.revision, lease } : null;
    } catch {
      return null;
    }
  }

  private armFence(): void {
    if (this.fence !== null) clearTimeout(this.fence);
    const lapsesInMs = this.renewedAt + this.options.ttlMs - SAFETY_MS - this.options.now();
    this.fence = setTimeout(() => {
      this.fence = null;
      if (!this.canAct()) this.depose('lease could not be renewed in time');
    }, Math.max(0, lapsesInMs) + 1);
  }

  private depose(reason: string): void {
    if (this.revision === null) return;
    this.revision = null;
    this.options.logger.warn({ holder: this.options.holder, reason }, 'no longer orchestrator leader');
    this.callbacks.deposed(reason);
  }
}
