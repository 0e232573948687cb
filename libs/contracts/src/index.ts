export { ALL_BUCKETS, ALL_STREAMS, BUCKETS, CONSUMERS, STREAMS } from './topology';
export type { BucketDeclaration, StreamDeclaration } from './topology';
export { CONFIG_COMMAND_VERBS, FLEET_EVENT_KINDS, GROUP_COMMAND_VERBS, ROLLOUT_COMMAND_VERBS, ROLLOUT_QUERY_VERBS, subjects } from './subjects';
export type { ConfigCommandVerb, FleetEventKind, GroupCommandVerb, RolloutCommandVerb, RolloutQueryVerb } from './subjects';
export { API_ROLES, AUDIT_EVENT_SCHEMA_VERSION, auditRecordContract, auditRecordSchema } from './audit-events';
export type { ApiRole, AuditRecord } from './audit-events';
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
export { desiredWriteSchema, gatewayPresenceContract, gatewayPresenceSchema, pushNudgeContract, pushNudgeSchema } from './gateway-messages';
export type { DesiredWrite, GatewayPresence, PushNudge } from './gateway-messages';
export { agentSnapshotSchema, fleetEventContract, fleetEventSchema, REMOTE_CONFIG_STATES } from './fleet-events';
export type { AgentSnapshot, FleetEvent } from './fleet-events';
export {
  commandErrorSchema,
  commandReplyContract,
  configCreateReplyContract,
  configCreateRequestContract,
  configCreateRequestSchema,
  configCreateResultSchema,
  configDiffReplyContract,
  configDiffRequestContract,
  configDiffRequestSchema,
  configDiffResultSchema,
  configGetReplyContract,
  configGetRequestContract,
  configGetRequestSchema,
  configGetResultSchema,
  configHistoryReplyContract,
  configHistoryRequestContract,
  configHistoryRequestSchema,
  configIssueSchema,
  configNameHistoryContract,
  configNameHistorySchema,
  configNameSchema,
  groupListReplyContract,
  groupListRequestContract,
  groupListRequestSchema,
  groupListResultSchema,
  groupPreviewReplyContract,
  groupPreviewRequestContract,
  groupPreviewRequestSchema,
  groupPreviewResultSchema,
  phaseSpecSchema,
  rolloutActionRequestContract,
  rolloutActionRequestSchema,
  rolloutIdSchema,
  rolloutReplyContract,
  rolloutStatusRequestContract,
  rolloutStatusRequestSchema,
  rolloutSummarySchema,
  rolloutTargetSchema,
  selectorRequirementSchema,
  startRolloutRequestContract,
  startRolloutRequestSchema,
} from './rollout-commands';
export type {
  CommandError,
  CommandReply,
  ConfigCreateRequest,
  ConfigCreateResult,
  ConfigDiffRequest,
  ConfigDiffResult,
  ConfigGetRequest,
  ConfigGetResult,
  ConfigHistoryRequest,
  ConfigIssue,
  ConfigNameHistory,
  GroupListRequest,
  GroupListResult,
  GroupPreviewRequest,
  GroupPreviewResult,
  RolloutActionRequest,
  RolloutStatusRequest,
  RolloutSummaryReply,
  RolloutTargetRequest,
  StartRolloutRequest,
} from './rollout-commands';
