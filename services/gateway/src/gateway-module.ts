import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { serviceProviders } from '@roost/platform-nest';
import type { GatewayOptions } from './gateway-options';
import { startGateway, type GatewayPlatform, type RunningGateway } from './start-gateway';

/** The running gateway (`RunningGateway`). */
export const RUNNING_GATEWAY = Symbol('roost:gateway');

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<GatewayOptions>().setClassMethodName('forRoot').build();

/**
 * The gateway as a Nest module: starts it on the process's platform and stops it at shutdown.
 * Agents' WebSocket and HTTP traffic stays on the gateway's own `ws` and `node:http` servers.
 */
@Module({
  providers: serviceProviders<GatewayOptions, RunningGateway, GatewayPlatform>({
    name: 'gateway',
    token: RUNNING_GATEWAY,
    optionsToken: MODULE_OPTIONS_TOKEN,
    start: startGateway,
    stop: (gateway) => gateway.stop(),
  }),
  exports: [RUNNING_GATEWAY],
})
export class GatewayModule extends ConfigurableModuleClass {}
