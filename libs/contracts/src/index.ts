export { ALL_BUCKETS, ALL_STREAMS, BUCKETS, CONSUMERS, STREAMS } from './topology';
export { MAX_REPLICAS, TOPOLOGY_SETTINGS, TopologySettingError, topologyFromSettings } from './topology-settings';
export type { Topology, TopologySettingSpec } from './topology-settings';
export type { BucketDeclaration, StreamDeclaration } from './topology';
export { CONFIG_COMMAND_VERBS, ENROLMENT_COMMAND_VERBS, FLEET_EVENT_KINDS, GROUP_COMMAND_VERBS, ROLLOUT_COMMAND_VERBS, ROLLOUT_QUERY_VERBS, subjects } from './subjects';
export type { ConfigCommandVerb, EnrolmentCommandVerb, FleetEventKind, GroupCommandVerb, RolloutCommandVerb, RolloutQueryVerb } from './subjects';
export { API_ROLES, AUDIT_EVENT_SCHEMA_VERSION, AUDIT_EVENT_TYPES, auditRecordContract, auditRecordSchema } from './audit-events';
export type { ApiRole, AuditRecord } from './audit-events';
export { ContractViolationError, firstIssue, jsonContract } from './json-codec';
export type { EventVersioning, JsonContract } from './json-codec';
export { UnreadableEventError, unreadableEvent } from './event-versions';
export type { UnreadableEvent } from './event-versions';
export {
  configFileSchema,
  desiredConfigContract,
  desiredConfigSchema,
  storedConfigContract,
  storedConfigSchema,
} from './desired-config';
export type { DesiredConfig, StoredConfig } from './desired-config';
export { effectiveConfigEntryContract, effectiveConfigEntrySchema } from './effective-config';
export type { EffectiveConfigEntry } from './effective-config';
export { desiredWriteSchema, gatewayPresenceContract, gatewayPresenceSchema, pushNudgeContract, pushNudgeSchema } from './gateway-messages';
export type { DesiredWrite, GatewayPresence, PushNudge } from './gateway-messages';
export { agentEnrolmentSchema, agentSnapshotSchema, clientCertificateSchema, FLEET_EVENT_SCHEMA_VERSION, fleetEventBaseSchema, fleetEventContract, fleetEventSchema, REMOTE_CONFIG_STATES } from './fleet-events';
export type { AgentEnrolment, AgentSnapshot, ClientCertificate, FleetEvent } from './fleet-events';
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
  rolloutForecastReplyContract,
  rolloutForecastSchema,
  rolloutReplyContract,
  rolloutStatusRequestContract,
  rolloutStatusRequestSchema,
  rolloutSummarySchema,
  rolloutTargetSchema,
  selectorRequirementSchema,
  startRolloutRequestContract,
  startRolloutRequestSchema,
  undoRolloutRequestContract,
  undoRolloutRequestSchema,
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
  RolloutForecastReply,
  RolloutStatusRequest,
  RolloutSummaryReply,
  RolloutTargetRequest,
  StartRolloutRequest,
  UndoRolloutRequest,
} from './rollout-commands';
export {
  DEFAULT_ENROLMENT_TTL_MS,
  ENROLMENT_TOKEN_PREFIX,
  ENROLMENT_TOKEN_STATES,
  MAX_ENROLMENT_TTL_MS,
  enrolmentCreateRequestContract,
  enrolmentCreateRequestSchema,
  enrolmentIssueRequestContract,
  enrolmentIssuedReplyContract,
  enrolmentIssuedSchema,
  enrolmentListReplyContract,
  enrolmentListRequestContract,
  enrolmentListRequestSchema,
  enrolmentListResultSchema,
  enrolmentRevokeRequestContract,
  enrolmentRevokeRequestSchema,
  enrolmentScopeSchema,
  enrolmentTokenIdSchema,
  enrolmentTokenNameSchema,
  enrolmentTokenRecordContract,
  enrolmentTokenRecordSchema,
  enrolmentTokenReplyContract,
  enrolmentTokenSchema,
  enrolmentTokenState,
  enrolmentTokenText,
  parseEnrolmentToken,
  publicEnrolmentToken,
} from './enrolment-tokens';
export type {
  EnrolmentCreateRequest,
  EnrolmentIssueRequest,
  EnrolmentIssued,
  EnrolmentListRequest,
  EnrolmentListResult,
  EnrolmentRevokeRequest,
  EnrolmentScope,
  EnrolmentToken,
  EnrolmentTokenRecord,
  EnrolmentTokenState,
  ParsedEnrolmentToken,
} from './enrolment-tokens';
export { telemetrySampleContract, telemetrySampleSchema } from './telemetry-samples';
export { collectorErrorsContract, collectorErrorsSchema, MAX_COLLECTOR_ERRORS_PER_MESSAGE, MAX_COLLECTOR_ERROR_TEXT } from './collector-errors';
export type { CollectorErrorRecord, CollectorErrors } from './collector-errors';
export type { TelemetrySample } from './telemetry-samples';
