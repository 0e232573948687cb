/**
 * The OpAMP messages the simulated agents send and read, on the WebSocket wire: a 0x00 varint
 * header followed by protobuf bytes.
 *
 * The schema below is the subset of opamp.proto the benchmark uses, with the field numbers and
 * wire types of opamp-spec (docs: opamp-protocol.md §1); unknown fields are skipped on decode.
 * It stands in until libs/opamp's generated code is available; swapping it changes this file only.
 */
import { parse, type Type } from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package bench;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; bytes bytes_value = 7; } }
message KeyValue { string key = 1; AnyValue value = 2; }
message AgentDescription { repeated KeyValue identifying_attributes = 1; repeated KeyValue non_identifying_attributes = 2; }
message ComponentHealth { bool healthy = 1; fixed64 start_time_unix_nano = 2; string last_error = 3; string status = 4; fixed64 status_time_unix_nano = 5; }
message AgentConfigFile { bytes body = 1; string content_type = 2; }
message AgentConfigMap { map<string, AgentConfigFile> config_map = 1; }
message EffectiveConfig { AgentConfigMap config_map = 1; }
message RemoteConfigStatus { bytes last_remote_config_hash = 1; int32 status = 2; string error_message = 3; }
message AgentToServer {
  bytes instance_uid = 1; uint64 sequence_num = 2; AgentDescription agent_description = 3; uint64 capabilities = 4;
  ComponentHealth health = 5; EffectiveConfig effective_config = 6; RemoteConfigStatus remote_config_status = 7;
  uint64 flags = 10;
}
message AgentRemoteConfig { AgentConfigMap config = 1; bytes config_hash = 2; }
message ServerErrorResponse { int32 type = 1; string error_message = 2; }
message AgentIdentification { bytes new_instance_uid = 1; }
message ServerToAgent {
  bytes instance_uid = 1; ServerErrorResponse error_response = 2; AgentRemoteConfig remote_config = 3;
  uint64 flags = 6; uint64 capabilities = 7; AgentIdentification agent_identification = 8;
}
`;

const root = parse(SCHEMA, { keepCase: true }).root;
const AgentToServerType: Type = root.lookupType('bench.AgentToServer');
const ServerToAgentType: Type = root.lookupType('bench.ServerToAgent');

export const AgentCapabilities = {
  ReportsStatus: 0x1,
  AcceptsRemoteConfig: 0x2,
  ReportsEffectiveConfig: 0x4,
  ReportsHealth: 0x800,
  ReportsRemoteConfig: 0x1000,
  ReportsHeartbeat: 0x2000,
} as const;

export const RemoteConfigStatuses = { UNSET: 0, APPLIED: 1, APPLYING: 2, FAILED: 3 } as const;
export const ServerToAgentFlags = { ReportFullState: 0x1 } as const;

export type ConfigMap = Record<string, { body: Uint8Array; content_type?: string }>;

/** An AgentToServer in plain data; absent sub-messages are omitted (status compression). */
export interface AgentToServer {
  instance_uid: Uint8Array;
  sequence_num: number;
  capabilities: number;
  agent_description?: {
    identifying_attributes: { key: string; value: { string_value: string } }[];
    non_identifying_attributes: { key: string; value: { string_value: string } }[];
  };
  health?: { healthy: boolean; start_time_unix_nano?: number; status?: string; status_time_unix_nano?: number };
  effective_config?: { config_map: { config_map: ConfigMap } };
  remote_config_status?: { last_remote_config_hash: Uint8Array; status: number; error_message?: string };
  flags?: number;
}

export interface ServerToAgent {
  instance_uid?: Uint8Array;
  remote_config?: { config?: { config_map?: ConfigMap }; config_hash?: Uint8Array };
  error_response?: { type?: number; error_message?: string };
  agent_identification?: { new_instance_uid?: Uint8Array };
  flags?: number;
  capabilities?: number;
}

/** WebSocket frame for an AgentToServer: 0x00 header + protobuf. */
export function agentFrame(msg: AgentToServer): Buffer {
  return withHeader(AgentToServerType.encode(AgentToServerType.fromObject(msg)).finish());
}

/** WebSocket frame for a ServerToAgent (what the baseline server pushes). */
export function serverFrame(msg: ServerToAgent): Buffer {
  return withHeader(ServerToAgentType.encode(ServerToAgentType.fromObject(msg)).finish());
}

function withHeader(body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(body.length + 1);
  frame[0] = 0;
  frame.set(body, 1);
  return frame;
}

/** What a simulated agent reads from a server frame. */
export interface ServerFrameView {
  flags: number;
  configHash?: Buffer;
  configMap?: ConfigMap;
}

interface DecodedServerToAgent {
  flags?: number | { toNumber(): number };
  remote_config?: { config_hash?: Uint8Array; config?: { config_map?: ConfigMap } };
}

/** Decodes a server frame; tolerates a header-less legacy frame as opamp-go does. */
export function decodeServerFrame(frame: Buffer): ServerFrameView {
  const offset = frame.length > 0 && frame[0] === 0 ? 1 : 0;
  const msg = ServerToAgentType.decode(frame.subarray(offset)) as unknown as DecodedServerToAgent;
  const flags = typeof msg.flags === 'object' ? msg.flags.toNumber() : (msg.flags ?? 0);
  const rc = msg.remote_config;
  if (!rc?.config_hash?.length) return { flags };
  return { flags, configHash: Buffer.from(rc.config_hash), configMap: rc.config?.config_map ?? {} };
}

/**
 * The encoded `effective_config` field of an AgentToServer, to append to another encoded
 * AgentToServer (protobuf merges concatenated messages). Lets 10k agents answer the same config
 * without each re-encoding 2 KB.
 */
export function effectiveConfigField(configMap: ConfigMap): Buffer {
  return Buffer.from(AgentToServerType.encode(AgentToServerType.fromObject({ effective_config: { config_map: { config_map: configMap } } })).finish());
}

/** WebSocket frame for `msg` followed by pre-encoded fields (see effectiveConfigField). */
export function agentFrameWith(msg: AgentToServer, encodedFields: Buffer): Buffer {
  const body = AgentToServerType.encode(AgentToServerType.fromObject(msg)).finish();
  const frame = Buffer.allocUnsafe(1 + body.length + encodedFields.length);
  frame[0] = 0;
  frame.set(body, 1);
  encodedFields.copy(frame, 1 + body.length);
  return frame;
}
