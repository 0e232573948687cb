// Front door of the OpAMP gateway service: start it in-process (tests, all-in-one, benchmark).
export { startGateway } from './start-gateway';
export { GatewayModule, RUNNING_GATEWAY } from './gateway-module';
export type { GatewayPlatform, GatewayStats, RunningGateway } from './start-gateway';
export { listenBacklog } from './listen-backlog';
export { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_PATH, DEFAULT_PORT } from './gateway-options';
export type { GatewayOptions, ResolvedGatewayOptions } from './gateway-options';
export type { GatewayMetrics } from './gateway-metrics';
