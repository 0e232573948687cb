import { z } from 'zod';
import { jsonContract } from '@roost/contracts';
import { KvConflictError, type KeyValueStore, type Logger } from '@roost/ports';

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
}

export interface LeaseCallbacks {
  /** This process now leads. Runs alongside renewals; it must check `canAct` as it goes. */
  elected(): Promise<void>;
  /** This process must stop acting as leader at once. */
  deposed(reason: string): void;
}

/** Time kept in hand before the TTL: a leader stops writing this long before its lease could lapse. */
const SAFETY_MS = 1_000;

/**
 * Leader election through the `leases` bucket: the leader holds `key` (created when absent,
 * renewed by compare-and-set well inside the bucket TTL); a standby keeps trying to create it,
 * which succeeds once the leader deleted it on a clean stop or its entry expired. A leader
 * that cannot renew steps down before the TTL lets another one in (`canAct` is the fence).
 */
export class LeaderLease {
  private revision: number | null = null;
  private renewedAt = 0;
  private acquiredAt = 0;
  private takeover: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private busy: Promise<void> = Promise.resolve();

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
    this.schedule(0);
  }

  /** Stops campaigning; a leader deletes its lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
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
    this.schedule(this.revision === null ? this.options.retryMs : this.options.renewMs);
  }

  private async tryAcquire(): Promise<void> {
    const now = this.options.now();
    try {
      this.revision = await this.bucket.create(this.options.key, leaseContract.encode({ holder: this.options.holder, acquiredAt: now, renewedAt: now }));
    } catch (error) {
      if (!(error instanceof KvConflictError)) this.options.logger.warn({ err: String(error) }, 'could not campaign for the orchestrator lease; retrying');
      return;
    }
    this.renewedAt = now;
    this.acquiredAt = now;
    this.options.logger.info({ holder: this.options.holder, key: this.options.key }, 'elected orchestrator leader');
    this.takeover = this.callbacks.elected().catch(async (error: unknown) => {
      this.options.logger.error({ err: String(error) }, 'taking over as leader failed; stepping down');
      this.depose('takeover failed');
      await this.bucket.delete(this.options.key).catch(() => undefined);
    });
  }

  private async renew(): Promise<void> {
    const now = this.options.now();
    const revision = this.revision;
    if (revision === null) return;
    try {
      this.revision = await this.bucket.update(this.options.key, leaseContract.encode({ holder: this.options.holder, acquiredAt: this.acquiredAt, renewedAt: now }), revision);
      this.renewedAt = now;
    } catch (error) {
      if (error instanceof KvConflictError) return this.depose('another process holds the lease');
      this.options.logger.warn({ err: String(error) }, 'could not renew the orchestrator lease');
      if (!this.canAct()) this.depose('lease could not be renewed in time');
    }
  }

  private depose(reason: string): void {
    if (this.revision === null) return;
    this.revision = null;
    this.options.logger.warn({ holder: this.options.holder, reason }, 'no longer orchestrator leader');
    this.callbacks.deposed(reason);
  }
}
