import type { EventStore, Logger, StoredEvent, ViewStore, ViewWrite } from '@roost/ports';
import { batchReads, FragmentCache, projectBatch, ViewsError, type FragmentRef, type StreamProjection } from '@roost/views';
import type { ProjectorMetrics } from './projector-metrics';

/** The stored checkpoint went backwards: Redis was flushed or the views were wiped under us. */
export class ViewsLostError extends Error {
  readonly code = 'projector.views_lost';
  constructor(
    readonly stream: string,
    readonly applied: number,
    readonly stored: number,
  ) {
    super(`${stream}: the views hold checkpoint ${stored} but ${applied} was applied; they were flushed or wiped`);
    this.name = 'ViewsLostError';
  }
}

interface BatchReads<E> {
  readonly decoded: E[];
  readonly refs: FragmentRef[];
  readonly values: (string | null)[];
  readonly last: number;
  readonly started: number;
}

interface ProjectedBatch {
  /** The batch's last sequence: the checkpoint its write moves to. */
  readonly last: number;
  readonly events: number;
  readonly writes: readonly ViewWrite[];
  readonly started: number;
}

/** Fragments a catch-up keeps between batches before starting afresh (memory bound). */
const MAX_HELD_FRAGMENTS = 200_000;

/** Events per atomic write when catching up; one Lua call each. */
export const DEFAULT_BATCH_SIZE = 500;

/**
 * Applies one stream's events to the views, one batch at a time, each batch written atomically
 * with its last sequence (ViewStore.applyOnce), so a redelivered event is never counted twice.
 * The only writer of its stream's views; `applied` is the sequence the views are known to hold.
 */
export class StreamApplier<E> {
  private appliedSequence = 0;
  /**
   * What the views hold of the fragments this stream's projection reads, kept from batch to
   * batch and from one call of `apply` to the next (the follower's batches are small): true as
   * long as this applier is the only writer and each of its writes landed. Dropped when a write
   * fails or is refused, when the views are lost or wiped, and past MAX_HELD_FRAGMENTS.
   */
  private cache = new FragmentCache();
  /** Types of a newer Roost already logged: each is logged once, every event counted. */
  private readonly unknownLogged = new Set<string>();

  constructor(
    readonly projection: StreamProjection<E>,
    private readonly views: ViewStore,
    private readonly events: EventStore,
    private readonly metrics: ProjectorMetrics,
    private readonly logger: Logger,
    private readonly batchSize = DEFAULT_BATCH_SIZE,
  ) {}

  get applied(): number {
    return this.appliedSequence;
  }

  async load(): Promise<number> {
    this.appliedSequence = await this.views.checkpoint(this.projection.checkpointKey);
    this.metrics.appliedSequence.set({ stream: this.projection.stream }, this.appliedSequence);
    return this.appliedSequence;
  }

  /** After a wipe: nothing is applied any more. */
  reset(): void {
    this.appliedSequence = 0;
    this.cache = new FragmentCache();
    this.metrics.appliedSequence.set({ stream: this.projection.stream }, 0);
  }

  /**
   * Applies the events (in sequence order) not applied yet; resolves to how many were new.
   * Consecutive batches share one fragment cache: what a batch read or wrote is not read again.
   * Redis runs a batch's write while the next batch is projected: the next batch's reads go out
   * before that write (so they come back at once) and are brought up to date with its writes
   * when they arrive (FragmentCache.fillBehind); a batch is sent once the one before it landed.
   */
  async apply(stored: readonly StoredEvent[]): Promise<number> {
    try {
      return await this.applyBatches(stored);
    } catch (error) {
      // A write that failed may have been absorbed by the cache: what it holds is no longer known to be in the views.
      this.cache = new FragmentCache();
      throw error;
    }
  }

  private async applyBatches(stored: readonly StoredEvent[]): Promise<number> {
    const fresh = stored.filter((event) => event.sequence > this.appliedSequence);
    const batches: StoredEvent[][] = [];
    for (let i = 0; i < fresh.length; i += this.batchSize) batches.push(fresh.slice(i, i + this.batchSize));
    let cache = this.cache.size > MAX_HELD_FRAGMENTS ? new FragmentCache() : this.cache;
    this.cache = cache;
    let writing: Promise<boolean> | undefined;
    let reading = batches[0] === undefined ? undefined : this.read(batches[0], cache);
    /** The writes sent after `reading` went out, which its fragments have not seen. */
    let unseen: readonly ViewWrite[] = [];
    for (let b = 0; b < batches.length && reading !== undefined; b += 1) {
      const read = await reading;
      cache.fillBehind(read.refs, read.values, unseen);
      const projected: ProjectedBatch = { last: read.last, events: read.decoded.length, writes: projectBatch(this.projection, read.decoded, cache), started: read.started };
      const following = batches[b + 1];
      // A cache past its bound starts afresh once this batch is sent, and its next reads follow the write.
      const restart = cache.size > MAX_HELD_FRAGMENTS;
      reading = following === undefined || restart ? undefined : this.read(following, cache);
      if (writing !== undefined && !(await writing)) {
        // Another writer got ahead, and what the cache holds may be stale: start over from where the views are.
        await reading?.catch(() => undefined);
        this.cache = new FragmentCache();
        await this.applyBatches(stored);
        return fresh.length;
      }
      writing = this.write(projected);
      // Awaited with the next batch or below; a failure must not count as unhandled meanwhile.
      writing.catch(() => undefined);
      unseen = projected.writes;
      if (restart && following !== undefined) {
        cache = this.cache = new FragmentCache();
        reading = this.read(following, cache);
        unseen = [];
      }
    }
    if (writing !== undefined && !(await writing)) {
      this.cache = new FragmentCache();
      await this.applyBatches(stored);
    }
    return fresh.length;
  }

  /** Reads and applies everything after `applied` up to the stream's end as it is now. */
  async catchUp(): Promise<number> {
    const stored = await this.events.read(this.projection.filterSubject, { fromSequence: this.appliedSequence + 1 });
    return this.apply(stored);
  }

  /**
   * A batch decoded, with the fragments it needs that the cache does not hold, read now (in
   * Redis, after every write sent so far). Rejects with ViewsLostError when the stored
   * checkpoint is behind what was applied when the reads went out.
   */
  private read(batch: readonly StoredEvent[], cache: FragmentCache): Promise<BatchReads<E>> {
    const started = performance.now();
    const appliedBefore = this.appliedSequence;
    const reads = (async () => {
      const decoded = this.decodeAll(batch);
      const refs = cache.missing(batchReads(this.projection, decoded));
      const [stored, values] = await Promise.all([
        this.views.checkpoint(this.projection.checkpointKey),
        Promise.all(refs.map((ref) => (ref.field === undefined ? this.views.get(ref.key) : this.views.hget(ref.key, ref.field)))),
      ]);
      if (stored < appliedBefore) throw new ViewsLostError(this.projection.stream, appliedBefore, stored);
      return { decoded, refs, values, last: batch[batch.length - 1]?.sequence ?? appliedBefore, started };
    })();
    // Awaited when its batch's turn comes; a failure must not count as unhandled meanwhile.
    reads.catch(() => undefined);
    return reads;
  }

  /** Resolves true when the batch was written, false when the stored checkpoint already covered it. */
  private async write({ last, events, writes, started }: ProjectedBatch): Promise<boolean> {
    const wrote = await this.views.applyOnce(this.projection.checkpointKey, last, writes);
    // Not written means the stored checkpoint was already there: another writer got ahead.
    this.appliedSequence = wrote ? last : Math.max(last, await this.views.checkpoint(this.projection.checkpointKey));
    const labels = { stream: this.projection.stream };
    this.metrics.appliedSequence.set(labels, this.appliedSequence);
    if (wrote) this.metrics.eventsApplied.inc(labels, events);
    this.metrics.batchSeconds.observe(labels, (performance.now() - started) / 1000);
    return wrote;
  }

  /**
   * Messages no projection can read are counted and passed over, never retried forever. A
   * broken one is logged each time; an event of a newer Roost (unknown type, newer schema) is
   * logged once per type and version: a rolling upgrade may bring many before this projector's turn.
   */
  private decodeAll(batch: readonly StoredEvent[]): E[] {
    const decoded: E[] = [];
    for (const stored of batch) {
      try {
        decoded.push(this.projection.decode(stored.data));
      } catch (error) {
        if (!(error instanceof ViewsError)) throw error;
        this.metrics.eventsSkipped.inc({ stream: this.projection.stream, reason: error.code });
        const fields = { stream: stored.stream, subject: stored.subject, sequence: stored.sequence, code: error.code, error: error.message };
        if (error.code === 'views.undecodable_event') this.logger.error(fields, 'skipping an event the projector cannot read');
        else if (!this.unknownLogged.has(`${error.code} ${error.eventType}`)) {
          this.unknownLogged.add(`${error.code} ${error.eventType}`);
          this.logger.warn(fields, 'skipping events of a newer Roost (logged once per type; counted in roost_projector_events_skipped_total)');
        }
      }
    }
    return decoded;
  }
}
