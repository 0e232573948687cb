// Front door of the OpAMP gateway service: start it in-process (tests, all-in-one, benchmark).
export { startGateway } from './start-gateway';
export type { GatewayPlatform, GatewayStats, RunningGateway } from './start-gateway';
export { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_PATH, DEFAULT_PORT } from './gateway-options';
export type { GatewayOptions, ResolvedGatewayOptions } from './gateway-options';
export type { GatewayMetrics } from './gateway-metrics';
