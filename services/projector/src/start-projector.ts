import type { EventConsumer, Platform, StoredEvent } from '@roost/ports';
import { ExclusiveGate } from './exclusive-gate';
import { startProbeServer, type ProbeServer } from './probe-server';
import { resolveProjectorOptions, type ProjectorOptions, type ResolvedProjectorOptions } from './projector-options';
import { createProjectorMetrics, type ProjectorMetrics } from './projector-metrics';
import { judgeReadiness, type Readiness, type StreamLag } from './readiness';
import { rebuildInterrupted, rebuildViews, type RebuildCause, type RebuildReport } from './rebuild';
import { createAppliers } from './projector-streams';
import { ViewsLostError, type StreamApplier } from './stream-applier';

const LAG_CHECK_MS = 100;
const REBUILD_RETRY_MS = 1_000;

/** The ports the projector uses; `health` (when present) feeds /readyz. */
export type ProjectorPlatform = Pick<Platform, 'events' | 'views'> & Partial<Pick<Platform, 'health'>>;

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
 * rebuild was interrupted), then follows each stream with its durable consumer, acking an event
 * only after its writes and checkpoint landed. A flush of the views is noticed (the stored
 * checkpoint goes backwards) and answered with a rebuild.
 */
export async function startProjector(options: ProjectorOptions, platform: ProjectorPlatform): Promise<RunningProjector> {
  const resolved = resolveProjectorOptions(options);
  const { logger } = resolved;
  const metrics = createProjectorMetrics();
  const appliers = createAppliers(platform, metrics, logger, resolved.batchSize);
  const gate = new ExclusiveGate();
  const lagOf = new Map<StreamApplier<unknown>, number>();
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
  else for (const applier of appliers) await applier.catchUp();

  // A burst shows up within LAG_CHECK_MS, not only at the next sample: then batches take over.
  const lastLagCheck = new Map<StreamApplier<unknown>, number>();
  const checkLag = async (applier: StreamApplier<unknown>): Promise<void> => {
    const now = performance.now();
    if (now - (lastLagCheck.get(applier) ?? 0) < LAG_CHECK_MS) return;
    lastLagCheck.set(applier, now);
    lagOf.set(applier, (await platform.events.lastSequence(applier.projection.stream)) - applier.applied);
  };

  const handle = (applier: StreamApplier<unknown>, event: StoredEvent): Promise<void> =>
    gate.shared(async () => {
      if (event.sequence <= applier.applied) return;
      try {
        await checkLag(applier);
        if ((lagOf.get(applier) ?? 0) > resolved.catchUpLag) {
          lagOf.set(applier, 0);
          await applier.catchUp();
        }
        await applier.apply([event]);
      } catch (error) {
        // The event is handed back (nak) and comes again once the rebuild released the gate.
        if (error instanceof ViewsLostError) rebuildInBackground('views_lost');
        throw error;
      }
    });

  const consumers: EventConsumer[] = [];
  for (const applier of appliers) {
    const { stream, durable, filterSubject } = applier.projection;
    consumers.push(await platform.events.consume({ stream, durable, filterSubject, fromSequence: applier.applied + 1 }, (event) => handle(applier, event)));
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
      lagOf.set(applier, lag);
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
