import type { EventConsumer, FollowCondition, StoredEvent } from '@roost/ports';
import { markViewsBuilt } from '@roost/views';
import { ExclusiveGate } from './exclusive-gate';
import type { ProjectorPlatform } from './projector-platform';
import { startProbeServer, type ProbeServer } from './probe-server';
import { resolveProjectorOptions, type ProjectorOptions, type ResolvedProjectorOptions } from './projector-options';
import { createProjectorMetrics, type ProjectorMetrics } from './projector-metrics';
import { judgeReadiness, type Readiness, type StreamLag } from './readiness';
import { rebuildInterrupted, rebuildViews, type RebuildCause, type RebuildReport } from './rebuild';
import { createAppliers } from './projector-streams';
import { ViewsLostError, type StreamApplier } from './stream-applier';

const REBUILD_RETRY_MS = 1_000;

export interface RunningProjector {
  /** Base URL of /readyz, /healthz and /metrics; null without an HTTP port. */
  readonly url: string | null;
  readonly metrics: ProjectorMetrics;
  readonly options: ResolvedProjectorOptions;
  /** Samples every stream's lag now (also updates the metrics). */
  lag(): Promise<StreamLag[]>;
  readiness(): Promise<Readiness>;
  /** Wipes the views and replays the streams, with the consumers held meanwhile. */
  rebuild(): Promise<RebuildReport>;
  /** Resolves once every stream is applied up to its last sequence as of the call. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops the consumers and the HTTP server; the platform stays open (its owner closes it). */
  stop(): Promise<void>;
}

/**
 * Starts the projector: catches the views up with the streams in batches (rebuilding first if a
 * rebuild was interrupted), then follows each stream from its checkpoint, taking whatever has
 * arrived in batches (up to `batchSize` events per atomic write), so a burst is applied at
 * stream speed by the same path as a quiet stream. The checkpoint in the views is the only
 * position: the follower keeps none on the server. A flush of the views is noticed (the stored
 * checkpoint goes backwards) and answered with a rebuild.
 */
export async function startProjector(options: ProjectorOptions, platform: ProjectorPlatform): Promise<RunningProjector> {
  const resolved = resolveProjectorOptions(options);
  const { logger } = resolved;
  const metrics = createProjectorMetrics();
  const appliers = createAppliers(platform, metrics, logger, resolved.batchSize);
  const gate = new ExclusiveGate();
  let started = false;
  let pendingRebuild: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  // Bumped when a rebuild starts and ends, so a lag sample that straddles one is not taken for lost views.
  let rebuildEpoch = 0;
  const rebuild = (cause: RebuildCause): Promise<RebuildReport> =>
    gate.exclusive(async () => {
      rebuildEpoch += 1;
      try {
        return await rebuildViews(appliers, platform.views, metrics, logger, cause);
      } finally {
        rebuildEpoch += 1;
      }
    });
  const rebuildInBackground = (cause: RebuildCause): void => {
    if (pendingRebuild !== null) return;
    pendingRebuild = rebuild(cause)
      .then(
        () => undefined,
        (error: unknown) => {
          // Half-wiped views must not stay: try again until it succeeds or the projector stops.
          logger.error({ cause, error: String(error) }, 'rebuild failed; retrying');
          if (!stopped) retryTimer = setTimeout(() => rebuildInBackground(cause), REBUILD_RETRY_MS);
        },
      )
      .finally(() => (pendingRebuild = null));
  };

  for (const applier of appliers) await applier.load();
  if (await rebuildInterrupted(platform.views)) await rebuild('interrupted_rebuild');
  else {
    for (const applier of appliers) await applier.catchUp();
    await markViewsBuilt(platform.views);
  }

  const handle = (applier: StreamApplier<unknown>, batch: readonly StoredEvent[]): Promise<void> =>
    gate.shared(async () => {
      try {
        await applier.apply(batch);
      } catch (error) {
        // The batch is handed over again, and waits for the rebuild to release the gate.
        if (error instanceof ViewsLostError) rebuildInBackground('views_lost');
        throw error;
      }
    });

  const consumers: EventConsumer[] = [];
  for (const applier of appliers) {
    const { stream, filterSubject } = applier.projection;
    const onCondition = (condition: FollowCondition): void => {
      if (condition.kind === 'lost') metrics.followerLosses.inc({ stream });
      const log = condition.kind === 'lost' ? 'reader of the stream lost; views fall behind until it is recreated' : 'reader of the stream recreated; views catch up';
      logger.warn({ stream, applied: applier.applied, ...(condition.kind === 'lost' ? { reason: condition.reason } : {}) }, log);
    };
    consumers.push(await platform.events.follow({ stream, filterSubject, fromSequence: applier.applied + 1, maxBatch: resolved.batchSize, onCondition }, (batch) => handle(applier, batch)));
  }
  started = true;

  const sampleLag = async (): Promise<StreamLag[]> => {
    const lags: StreamLag[] = [];
    for (const applier of appliers) {
      const { stream, checkpointKey } = applier.projection;
      // Read before the checkpoint: the stored checkpoint never trails what was applied before it was read.
      const appliedBefore = applier.applied;
      const epochBefore = rebuildEpoch;
      const [streamSequence, stored] = await Promise.all([platform.events.lastSequence(stream), platform.views.checkpoint(checkpointKey)]);
      if (stored < appliedBefore && epochBefore === rebuildEpoch && !gate.busy) rebuildInBackground('views_lost');
      const lag = Math.max(0, streamSequence - applier.applied);
      metrics.streamSequence.set({ stream }, streamSequence);
      metrics.lag.set({ stream }, lag);
      lags.push({ stream, streamSequence, appliedSequence: applier.applied, lag });
    }
    return lags;
  };
  const sampler = setInterval(() => {
    sampleLag().catch((error: unknown) => logger.debug({ error: String(error) }, 'lag sample failed'));
  }, resolved.lagIntervalMs);
  sampler.unref();

  const readiness = async (): Promise<Readiness> => {
    const [streams, components] = await Promise.all([
      sampleLag().catch((error: unknown) => {
        logger.debug({ error: String(error) }, 'lag sample failed');
        return appliers.map((a) => ({ stream: a.projection.stream, streamSequence: -1, appliedSequence: a.applied, lag: Number.POSITIVE_INFINITY }));
      }),
      platform.health ? platform.health() : Promise.resolve([]),
    ]);
    return judgeReadiness({ started, rebuilding: gate.busy, maxLag: resolved.maxReadyLag, streams, components });
  };

  let probe: ProbeServer | null = null;
  if (resolved.httpPort !== null) probe = await startProbeServer(resolved.httpPort, resolved.httpHost, readiness, metrics.registry);
  logger.info({ streams: appliers.map((a) => ({ stream: a.projection.stream, applied: a.applied })), url: probe?.url ?? null }, 'projector started');

  return {
    url: probe?.url ?? null,
    metrics,
    options: resolved,
    lag: sampleLag,
    readiness,
    rebuild: () => rebuild('command'),
    caughtUp: async (timeoutMs = 10_000) => {
      const targets = await Promise.all(appliers.map((a) => platform.events.lastSequence(a.projection.stream)));
      const deadline = Date.now() + timeoutMs;
      while (appliers.some((a, i) => a.applied < (targets[i] ?? 0))) {
        if (Date.now() > deadline) throw new Error(`projector not caught up after ${timeoutMs} ms: ${appliers.map((a, i) => `${a.projection.stream} ${a.applied}/${targets[i]}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    stop: async () => {
      stopped = true;
      clearInterval(sampler);
      clearTimeout(retryTimer);
      await Promise.all(consumers.map((c) => c.stop()));
      await pendingRebuild;
      await probe?.close();
      logger.info({}, 'projector stopped');
    },
  };
}
