import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { serviceProviders } from '@roost/platform-nest';
import type { ProjectorOptions } from './projector-options';
import type { ProjectorPlatform } from './projector-platform';
import { startProjector, type RunningProjector } from './start-projector';

/** The running projector (`RunningProjector`). */
export const RUNNING_PROJECTOR = Symbol('roost:projector');

export interface ProjectorModuleOptions extends ProjectorOptions {
  /** Runs before the projector stops (the all-in-one lets it catch up with the events its other services wrote while stopping). */
  readonly beforeStop?: (projector: RunningProjector) => Promise<void>;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<ProjectorModuleOptions>().setClassMethodName('forRoot').build();

/** The projector as a Nest module: starts it on the process's platform and stops it at shutdown. */
@Module({
  providers: serviceProviders<ProjectorModuleOptions, RunningProjector, ProjectorPlatform>({
    name: 'projector',
    token: RUNNING_PROJECTOR,
    optionsToken: MODULE_OPTIONS_TOKEN,
    start: startProjector,
    stop: async (projector, options) => {
      await options.beforeStop?.(projector);
      await projector.stop();
    },
  }),
  exports: [RUNNING_PROJECTOR],
})
export class ProjectorModule extends ConfigurableModuleClass {}
