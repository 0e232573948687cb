export { ALL_BUCKETS, ALL_STREAMS, BUCKETS, CONSUMERS, STREAMS } from './topology';
export type { BucketDeclaration, StreamDeclaration } from './topology';
export { FLEET_EVENT_KINDS, ROLLOUT_COMMAND_VERBS, subjects } from './subjects';
export type { FleetEventKind, RolloutCommandVerb } from './subjects';
export { ContractViolationError, jsonContract } from './json-codec';
export type { JsonContract } from './json-codec';
export {
  configFileSchema,
  desiredConfigContract,
  desiredConfigSchema,
  storedConfigContract,
  storedConfigSchema,
} from './desired-config';
export type { DesiredConfig, StoredConfig } from './desired-config';
export { gatewayPresenceContract, gatewayPresenceSchema, pushNudgeContract, pushNudgeSchema } from './gateway-messages';
export type { GatewayPresence, PushNudge } from './gateway-messages';
export { agentSnapshotSchema, fleetEventContract, fleetEventSchema, REMOTE_CONFIG_STATES } from './fleet-events';
export type { AgentSnapshot, FleetEvent } from './fleet-events';
