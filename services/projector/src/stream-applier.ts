import type { EventStore, Logger, StoredEvent, ViewStore, ViewWrite } from '@roost/ports';
import { batchReads, FragmentCache, projectBatch, ViewsError, type StreamProjection } from '@roost/views';
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
    this.metrics.appliedSequence.set({ stream: this.projection.stream }, 0);
  }

  /**
   * Applies the events (in sequence order) not applied yet; resolves to how many were new.
   * Consecutive batches share one fragment cache: what a batch read or wrote is not read again.
   * The next batch is read and projected while the previous one's write runs in Redis; it is
   * sent only once that write has landed, and projected again from fresh reads if it did not.
   */
  async apply(stored: readonly StoredEvent[]): Promise<number> {
    const fresh = stored.filter((event) => event.sequence > this.appliedSequence);
    let cache = new FragmentCache();
    let writing: Promise<boolean> | undefined;
    for (let i = 0; i < fresh.length; i += this.batchSize) {
      if (cache.size > MAX_HELD_FRAGMENTS) cache = new FragmentCache();
      const batch = fresh.slice(i, i + this.batchSize);
      let projected = await this.project(batch, cache);
      // Not written: another writer got there first, and what the cache holds may be stale.
      if (writing !== undefined && !(await writing)) {
        cache = new FragmentCache();
        projected = await this.project(batch, cache);
      }
      writing = this.write(projected);
      // Awaited with the next batch or below; a failure must not count as unhandled meanwhile.
      writing.catch(() => undefined);
    }
    await writing;
    return fresh.length;
  }

  /** Reads and applies everything after `applied` up to the stream's end as it is now. */
  async catchUp(): Promise<number> {
    const stored = await this.events.read(this.projection.filterSubject, { fromSequence: this.appliedSequence + 1 });
    return this.apply(stored);
  }

  /**
   * A batch's writes, from the fragments the cache holds and those read now. The reads go to
   * Redis after any write in flight, on the same connection, so they see what it wrote.
   */
  private async project(batch: readonly StoredEvent[], cache: FragmentCache): Promise<ProjectedBatch> {
    const started = performance.now();
    const decoded = this.decodeAll(batch);
    const refs = cache.missing(batchReads(this.projection, decoded));
    const [stored, values] = await Promise.all([
      this.views.checkpoint(this.projection.checkpointKey),
      Promise.all(refs.map((ref) => (ref.field === undefined ? this.views.get(ref.key) : this.views.hget(ref.key, ref.field)))),
    ]);
    if (stored < this.appliedSequence) throw new ViewsLostError(this.projection.stream, this.appliedSequence, stored);
    refs.forEach((ref, i) => cache.fill(ref, values[i] ?? null));
    return { last: batch[batch.length - 1]?.sequence ?? this.appliedSequence, events: decoded.length, writes: projectBatch(this.projection, decoded, cache), started };
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
