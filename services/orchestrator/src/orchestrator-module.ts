import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { serviceProviders } from '@roost/platform-nest';
import type { OrchestratorOptions } from './orchestrator-options';
import { startOrchestrator, type OrchestratorPlatform, type RunningOrchestrator } from './start-orchestrator';

/** The running orchestrator (`RunningOrchestrator`). */
export const RUNNING_ORCHESTRATOR = Symbol('roost:orchestrator');

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<OrchestratorOptions>().setClassMethodName('forRoot').build();

/**
 * The orchestrator as a Nest module: starts it on the process's platform, with its admin
 * commands answered by `@MessagePattern` controllers over the bus while it leads, and stops it
 * at shutdown.
 */
@Module({
  providers: serviceProviders<OrchestratorOptions, RunningOrchestrator, OrchestratorPlatform>({
    name: 'orchestrator',
    token: RUNNING_ORCHESTRATOR,
    optionsToken: MODULE_OPTIONS_TOKEN,
    start: (options, platform) => startOrchestrator(options, platform),
    stop: (orchestrator) => orchestrator.stop(),
  }),
  exports: [RUNNING_ORCHESTRATOR],
})
export class OrchestratorModule extends ConfigurableModuleClass {}
