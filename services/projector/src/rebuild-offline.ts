import { silentLogger, type Logger } from '@roost/ports';
import { createProjectorMetrics } from './projector-metrics';
import { createAppliers } from './projector-streams';
import { rebuildViews, type RebuildReport } from './rebuild';
import type { ProjectorPlatform } from './projector-platform';
import { DEFAULT_BATCH_SIZE } from './stream-applier';

/**
 * The rebuild command without a running projector: wipe the views, replay the streams, done.
 * Run it with the projectors stopped (or let a running projector rebuild itself: it notices
 * the wipe); two rebuilds writing at once would interleave.
 */
export function rebuildProjectorViews(platform: ProjectorPlatform, options: { logger?: Logger; batchSize?: number } = {}): Promise<RebuildReport> {
  const logger = options.logger ?? silentLogger;
  const metrics = createProjectorMetrics();
  const appliers = createAppliers(platform, metrics, logger, options.batchSize ?? DEFAULT_BATCH_SIZE);
  return rebuildViews(appliers, platform.views, metrics, logger, 'command');
}
