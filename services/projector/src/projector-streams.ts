import type { Logger } from '@roost/ports';
import { fleetProjection, rolloutProjection } from '@roost/views';
import type { ProjectorPlatform } from './projector-platform';
import type { ProjectorMetrics } from './projector-metrics';
import { StreamApplier } from './stream-applier';

/** One applier per projected stream: rollout events first, then fleet events. */
export function createAppliers(platform: ProjectorPlatform, metrics: ProjectorMetrics, logger: Logger, batchSize: number): StreamApplier<unknown>[] {
  return [
    new StreamApplier(rolloutProjection, platform.views, platform.events, metrics, logger, batchSize) as StreamApplier<unknown>,
    new StreamApplier(fleetProjection, platform.views, platform.events, metrics, logger, batchSize) as StreamApplier<unknown>,
  ];
}
