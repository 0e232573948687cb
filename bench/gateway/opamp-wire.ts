/**
 * The OpAMP messages the simulated agents send and the baseline pushes, on the WebSocket wire:
 * a 0x00 varint header followed by protobuf bytes, encoded with libs/opamp's generated code.
 */
import {
  AgentCapabilities as Caps,
  AgentToServer,
  RemoteConfigStatuses as Statuses,
  ServerToAgent,
  ServerToAgentFlags as Flags,
  type AgentConfigMapInit,
  type AgentToServerInit,
  type ServerToAgentInit,
} from '@roost/opamp';
import Long from 'long';

/** A uint64 / fixed64 field value, as the generated code's types want it. */
export const u64 = (n: number): Long => Long.fromNumber(n, true);

export const AgentCapabilities = {
  ReportsStatus: Caps.AgentCapabilities_ReportsStatus,
  AcceptsRemoteConfig: Caps.AgentCapabilities_AcceptsRemoteConfig,
  ReportsEffectiveConfig: Caps.AgentCapabilities_ReportsEffectiveConfig,
  ReportsHealth: Caps.AgentCapabilities_ReportsHealth,
  ReportsRemoteConfig: Caps.AgentCapabilities_ReportsRemoteConfig,
  ReportsHeartbeat: Caps.AgentCapabilities_ReportsHeartbeat,
} as const;

export const RemoteConfigStatuses = { UNSET: Statuses.RemoteConfigStatuses_UNSET, APPLIED: Statuses.RemoteConfigStatuses_APPLIED } as const;
export const ServerToAgentFlags = { ReportFullState: Flags.ServerToAgentFlags_ReportFullState } as const;

export type ConfigMap = NonNullable<AgentConfigMapInit['configMap']>;
export type { AgentToServerInit, ServerToAgentInit };

/** WebSocket frame for an AgentToServer: 0x00 header + protobuf. */
export function agentFrame(msg: AgentToServerInit): Buffer {
  return withHeader(AgentToServer.encode(msg).finish(), Buffer.alloc(0));
}

/** WebSocket frame for a ServerToAgent (what the baseline server sends). */
export function serverFrame(msg: ServerToAgentInit): Buffer {
  return withHeader(ServerToAgent.encode(msg).finish(), Buffer.alloc(0));
}

/**
 * The encoded `effective_config` field of an AgentToServer, to append to another encoded
 * AgentToServer (protobuf merges concatenated messages). Lets 10k agents answer the same config
 * without each re-encoding 2 KB.
 */
export function effectiveConfigField(configMap: ConfigMap): Buffer {
  return Buffer.from(AgentToServer.encode({ effectiveConfig: { configMap: { configMap } } }).finish());
}

/** WebSocket frame for `msg` followed by pre-encoded fields (see effectiveConfigField). */
export function agentFrameWith(msg: AgentToServerInit, encodedFields: Buffer): Buffer {
  return withHeader(AgentToServer.encode(msg).finish(), encodedFields);
}

function withHeader(body: Uint8Array, tail: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(1 + body.length + tail.length);
  frame[0] = 0;
  frame.set(body, 1);
  tail.copy(frame, 1 + body.length);
  return frame;
}

/** What a simulated agent reads from a server frame. */
export interface ServerFrameView {
  flags: number;
  configHash?: Uint8Array;
  configMap?: ConfigMap;
}

/** Decodes a server frame; tolerates a header-less legacy frame as opamp-go does. */
export function decodeServerFrame(frame: Buffer): ServerFrameView {
  const offset = frame.length > 0 && frame[0] === 0 ? 1 : 0;
  const msg = ServerToAgent.decode(frame.subarray(offset));
  const flags = Number(msg.flags ?? 0);
  const rc = msg.remoteConfig;
  if (!rc?.configHash?.length) return { flags };
  return { flags, configHash: rc.configHash, configMap: rc.config?.configMap ?? {} };
}
