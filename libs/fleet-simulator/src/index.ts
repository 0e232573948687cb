// Front door of the fleet simulator: OpAMP agents over WebSocket or plain HTTP that behave like
// collectors under the supervisor, for the demo, end-to-end tests and benchmarks.
export { startFleet } from './start-fleet';
export type { FleetOptions, RunningFleet } from './start-fleet';
export { SimulatedAgent } from './simulated-agent';
export type { AgentEvent, AgentSettings, AgentSnapshot } from './simulated-agent';
export { BEHAVIOURS, DEFAULT_MARKER, parseBehaviourShares, reactTo } from './behaviour';
export type { AgentReport, Behaviour, HeldConfig, ReactionStep } from './behaviour';
export { planFleet, derivedUuid } from './fleet-plan';
export type { AgentPlan, FleetPlanSpec } from './fleet-plan';
export { allocate, parseShares } from './shares';
export type { Share } from './shares';
export { fleetStats, statsLine } from './fleet-stats';
export type { FleetStats, FleetTotals } from './fleet-stats';
export { LOCAL_CONFIG, SIMULATED_CAPABILITIES } from './agent-messages';
export { SimulatorError } from './simulator-error';
export type { SimulatorErrorCode } from './simulator-error';
