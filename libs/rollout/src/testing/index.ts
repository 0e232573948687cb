/**
 * `@roost/rollout/testing`: the rollout simulator (the real decider driven by simulated agents
 * over a virtual clock), for tests, benchmarks and fixtures — not for production code.
 */
export { simulateRollout, stillActive } from '../simulator/rollout-simulator';
export type { ScheduledAction, SimulatedRollout, SimulationResult, SimulationSpec, TimelineEntry } from '../simulator/rollout-simulator';
export { DEFAULT_PREVIOUS_CONFIG, FULL_CAPABILITIES } from '../simulator/sim-agent';
export type { AgentBehaviour, SimAgentSpec } from '../simulator/sim-agent';
