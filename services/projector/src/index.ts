// Front door of the projector service: start it in-process (all-in-one, admin API wiring, tests,
// benchmark) or rebuild the views without one.
export { startProjector } from './start-projector';
export { ProjectorModule, RUNNING_PROJECTOR } from './projector-module';
export type { ProjectorModuleOptions } from './projector-module';
export type { ProjectorPlatform } from './projector-platform';
export type { RunningProjector } from './start-projector';
export { rebuildProjectorViews } from './rebuild-offline';
export type { RebuildCause, RebuildReport } from './rebuild';
export { DEFAULT_PROJECTOR_PORT } from './projector-options';
export type { ProjectorOptions, ResolvedProjectorOptions } from './projector-options';
export type { Readiness, StreamLag } from './readiness';
export type { ProjectorMetrics } from './projector-metrics';
// The appliers startProjector drives, so a benchmark can run one reading path of them alone.
export { createAppliers } from './projector-streams';
export { createProjectorMetrics } from './projector-metrics';
export type { StreamApplier } from './stream-applier';
