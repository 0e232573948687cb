// Front door of the OpAMP protocol library. Pure: no I/O, no clock.
export {
  AgentCapabilities,
  AgentConfigFile,
  AgentConfigMap,
  AgentDescription,
  AgentDisconnect,
  AgentIdentification,
  AgentRemoteConfig,
  AgentToServer,
  AgentToServerFlags,
  AnyValue,
  ArrayValue,
  AvailableComponents,
  CertificateRequest,
  CommandType,
  ComponentDetails,
  ComponentHealth,
  ConnectionSettingsOffers,
  ConnectionSettingsRequest,
  ConnectionSettingsStatus,
  ConnectionSettingsStatuses,
  CustomCapabilities,
  CustomMessage,
  DownloadableFile,
  EffectiveConfig,
  Header,
  Headers,
  KeyValue,
  KeyValueList,
  OpAMPConnectionSettings,
  OpAMPConnectionSettingsRequest,
  OtherConnectionSettings,
  PackageAvailable,
  PackageDownloadDetails,
  PackageStatus,
  PackageStatusEnum,
  PackageStatuses,
  PackageType,
  PackagesAvailable,
  ProxyConnectionSettings,
  RemoteConfigStatus,
  RemoteConfigStatuses,
  RetryInfo,
  ServerCapabilities,
  ServerErrorResponse,
  ServerErrorResponseType,
  ServerToAgent,
  ServerToAgentCommand,
  ServerToAgentFlags,
  TLSCertificate,
  TLSConnectionSettings,
  TelemetryConnectionSettings,
} from './proto-types';
export type {
  AgentConfigFileInit,
  AgentConfigMapInit,
  AgentDescriptionInit,
  AgentDisconnectInit,
  AgentIdentificationInit,
  AgentRemoteConfigInit,
  AgentToServerInit,
  AnyValueInit,
  ArrayValueInit,
  AvailableComponentsInit,
  CertificateRequestInit,
  ComponentDetailsInit,
  ComponentHealthInit,
  ConnectionSettingsOffersInit,
  ConnectionSettingsRequestInit,
  ConnectionSettingsStatusInit,
  CustomCapabilitiesInit,
  CustomMessageInit,
  DownloadableFileInit,
  EffectiveConfigInit,
  HeaderInit,
  HeadersInit,
  KeyValueInit,
  KeyValueListInit,
  OpAMPConnectionSettingsInit,
  OpAMPConnectionSettingsRequestInit,
  OtherConnectionSettingsInit,
  PackageAvailableInit,
  PackageDownloadDetailsInit,
  PackageStatusInit,
  PackageStatusesInit,
  PackagesAvailableInit,
  ProxyConnectionSettingsInit,
  RemoteConfigStatusInit,
  RetryInfoInit,
  ServerErrorResponseInit,
  ServerToAgentCommandInit,
  ServerToAgentInit,
  TLSCertificateInit,
  TLSConnectionSettingsInit,
  TelemetryConnectionSettingsInit,
} from './proto-types';
export { OPAMP_ERROR_CODES, OpampError, isOpampError } from './opamp-error';
export type { OpampErrorCode } from './opamp-error';
export { DEFAULT_MAX_MESSAGE_BYTES } from './message-limit';
export type { MessageLimitOptions } from './message-limit';
export { decodeWsFrame, encodeWsFrame } from './ws-framing';
export type { DecodedWsFrame } from './ws-framing';
export { decodeAgentToServer, decodeServerToAgent, encodeAgentToServer, encodeServerToAgent } from './message-codec';
export {
  AgentCapability,
  AgentToServerFlag,
  ServerCapability,
  ServerToAgentFlag,
  agentCapabilityNames,
  agentToServerFlagNames,
  bitSetToNumber,
  bitsOf,
  hasBits,
  hasCapability,
  hasFlag,
  serverCapabilityNames,
  serverToAgentFlagNames,
  toBitSetLong,
} from './capabilities';
export type { BitSet } from './capabilities';
export { instanceUidToBytes, parseInstanceUid } from './instance-uid';
export type { InstanceUid, InstanceUidKind } from './instance-uid';
export { configHash, configHashHex, pureSha256 } from './config-hash';
export type { ConfigFileLike, ConfigFilesLike, Sha256 } from './config-hash';
export { MAX_ATTRIBUTES, MAX_KEY_CHARS, MAX_LIST_CHARS, MAX_VALUE_CHARS, anyValueText, attributeText } from './attribute-text';
export type { AttributeText } from './attribute-text';
export { MAX_STATUS_TEXT_CHARS } from './agent-state';
export type {
  AgentDescriptionSummary,
  AgentHealthSummary,
  AgentState,
  AgentStateChange,
  RemoteConfigState,
  RemoteConfigStatusSummary,
} from './agent-state';
export { componentErrors, MAX_COMPONENT_ERRORS } from './component-errors';
export type { ComponentHealthTree } from './component-errors';
export { changesBetween, mergeAgentStatus, needsAvailableComponents } from './merge-agent-status';
export { availableComponentList, MAX_AVAILABLE_COMPONENTS } from './available-components';
export type { AgentStatusMerge } from './merge-agent-status';
