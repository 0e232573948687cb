import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { BusTransport } from '@roost/platform-nest';
import { ORCHESTRATOR_COMMAND_DEPS, type CommandServer, type OrchestratorCommandDeps } from './command-deps';
import { CommandMetricsInterceptor } from './command-metrics';
import { ConfigCommandsController } from './config-command-handlers';
import { EnrolmentCommandsController } from './enrolment-command-handlers';
import { GroupCommandsController } from './group-command-handlers';
import { RolloutCommandsController } from './rollout-command-handlers';

/** Queue group of the orchestrators: only the leader subscribes, so one answers. */
export const COMMAND_QUEUE = 'roost-orchestrator';

/** The command controllers over one orchestrator's rollouts, config versions, fleet view and enrolment tokens. */
@Module({})
class OrchestratorCommandsModule {
  static forDeps(deps: OrchestratorCommandDeps): DynamicModule {
    return {
      module: OrchestratorCommandsModule,
      controllers: [RolloutCommandsController, ConfigCommandsController, GroupCommandsController, EnrolmentCommandsController],
      providers: [{ provide: ORCHESTRATOR_COMMAND_DEPS, useValue: deps }, { provide: APP_INTERCEPTOR, useClass: CommandMetricsInterceptor }],
    };
  }
}

/**
 * The admin commands as a Nest microservice: its `@MessagePattern` controllers answer over
 * the platform's own bus (`BusTransport`), on `rollout.cmd.*`, `rollout.query.*`, `config.cmd.*`,
 * `group.cmd.*` and `enrolment.cmd.*`, while served.
 */
export async function startCommandMicroservice(deps: OrchestratorCommandDeps): Promise<CommandServer> {
  const transport = new BusTransport(deps.bus, { queue: COMMAND_QUEUE, logger: deps.logger });
  const app = await NestFactory.createMicroservice(OrchestratorCommandsModule.forDeps(deps), {
    strategy: transport,
    logger: false,
    abortOnError: false,
    moduleIdGeneratorAlgorithm: 'reference',
  });
  await app.listen();
  return { serve: () => transport.serve(), pause: () => transport.pause(), close: () => app.close() };
}
