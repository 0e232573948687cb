import type { Logger, ViewStore } from '@roost/ports';
import { markViewsBuilt, REBUILD_MARKER_KEY, VIEW_PREFIXES } from '@roost/views';
import type { ProjectorMetrics } from './projector-metrics';
import type { StreamApplier } from './stream-applier';

export type RebuildCause = 'command' | 'views_lost' | 'interrupted_rebuild';

export interface RebuildReport {
  readonly cause: RebuildCause;
  readonly deletedKeys: number;
  /** Per stream: events replayed, the sequence the views now hold, and how long its replay took. */
  readonly streams: Readonly<Record<string, { readonly replayed: number; readonly applied: number; readonly durationMs: number }>>;
  readonly durationMs: number;
}

/**
 * Wipes every view and checkpoint and replays the streams from their first event. A marker
 * stays in Redis from before the wipe until the replay is done, so a crash in between is
 * noticed at the next start (`rebuildInterrupted`) and the rebuild is run again.
 * Callers make sure nothing else writes the views meanwhile.
 */
export async function rebuildViews(
  appliers: readonly StreamApplier<unknown>[],
  views: ViewStore,
  metrics: ProjectorMetrics,
  logger: Logger,
  cause: RebuildCause,
): Promise<RebuildReport> {
  const started = performance.now();
  logger.warn({ cause }, 'rebuilding the views from the streams');
  await views.applyOnce(REBUILD_MARKER_KEY, Math.max(1, Date.now()), []);
  let deletedKeys = 0;
  for (const prefix of VIEW_PREFIXES) deletedKeys += await views.deleteByPrefix(prefix);
  const streams: Record<string, { replayed: number; applied: number; durationMs: number }> = {};
  for (const applier of appliers) {
    const streamStarted = performance.now();
    applier.reset();
    const replayed = await applier.catchUp();
    streams[applier.projection.stream] = { replayed, applied: applier.applied, durationMs: Math.round(performance.now() - streamStarted) };
  }
  await markViewsBuilt(views);
  await views.deleteByPrefix(REBUILD_MARKER_KEY);
  metrics.rebuilds.inc({ cause });
  const report = { cause, deletedKeys, streams, durationMs: Math.round(performance.now() - started) };
  logger.warn({ ...report }, 'views rebuilt');
  return report;
}

/** True when a rebuild began and never finished (its marker is still there). */
export async function rebuildInterrupted(views: ViewStore): Promise<boolean> {
  return (await views.checkpoint(REBUILD_MARKER_KEY)) > 0;
}
