/**
 * One simulated OpAMP agent over WebSocket. It behaves like opamp-go's agent where the
 * benchmark touches the protocol: a full first status report, sequence numbers +1 per message,
 * full state again when the server sets ReportFullState, and a remote config answered with
 * APPLIED plus the new effective config in one message.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import {
  AgentCapabilities,
  RemoteConfigStatuses,
  ServerToAgentFlags,
  agentFrame,
  agentFrameWith,
  decodeServerFrame,
  effectiveConfigField,
  type AgentToServer,
  type ConfigMap,
} from './opamp-wire';

const CAPABILITIES =
  AgentCapabilities.ReportsStatus |
  AgentCapabilities.AcceptsRemoteConfig |
  AgentCapabilities.ReportsEffectiveConfig |
  AgentCapabilities.ReportsHealth |
  AgentCapabilities.ReportsRemoteConfig |
  AgentCapabilities.ReportsHeartbeat;

const LOCAL_CONFIG = Buffer.from('receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\n');

const encodedConfigs = new Map<string, Buffer>();

/** The effective-config field for a config hash, encoded once for the whole fleet. */
function encodedEffectiveConfig(hash: Buffer, configMap: ConfigMap): Buffer {
  const key = hash.toString('hex');
  let field = encodedConfigs.get(key);
  if (!field) {
    field = effectiveConfigField(configMap);
    encodedConfigs.set(key, field);
  }
  return field;
}

export interface AgentHooks {
  /** Called for every server message after the first reply. */
  onReply(agent: SimulatedAgent): void;
  /** Called when the agent answered a remote config with APPLIED. */
  onConfigApplied(agent: SimulatedAgent): void;
}

export class SimulatedAgent {
  readonly uid = randomBytes(16);
  private seq = 0;
  private effective: ConfigMap = { '': { body: LOCAL_CONFIG, content_type: 'text/yaml' } };
  private remoteStatus: AgentToServer['remote_config_status'] = {
    last_remote_config_hash: Buffer.alloc(0),
    status: RemoteConfigStatuses.UNSET,
  };
  private ws?: WebSocket;
  private readonly startedAt = Date.now() * 1e6;

  constructor(
    private readonly index: number,
    private readonly hooks: AgentHooks,
  ) {}

  /** Opens the connection, sends the full first report, resolves on the server's answer. */
  connect(url: string, localAddress: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, localAddress, handshakeTimeout: timeoutMs });
      this.ws = ws;
      const timer = setTimeout(() => fail(new Error('no answer to the first report')), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      };
      ws.once('error', fail);
      ws.once('open', () => ws.send(this.fullReport()));
      ws.once('message', (data: Buffer) => {
        clearTimeout(timer);
        ws.off('error', fail);
        ws.on('error', () => undefined);
        ws.on('message', (d: Buffer) => this.onMessage(d));
        this.handle(data);
        resolve();
      });
    });
  }

  /** A periodic health report: only `health` changes (its status time), as a real agent's. */
  sendHealthReport(): void {
    this.send({
      instance_uid: this.uid,
      sequence_num: this.seq++,
      capabilities: CAPABILITIES,
      health: { healthy: true, start_time_unix_nano: this.startedAt, status: 'ok', status_time_unix_nano: Date.now() * 1e6 },
    });
  }

  close(): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      ws.terminate();
    });
  }

  private onMessage(data: Buffer): void {
    this.handle(data);
    this.hooks.onReply(this);
  }

  private handle(data: Buffer): void {
    const msg = decodeServerFrame(data);
    if (msg.configHash) {
      this.remoteStatus = { last_remote_config_hash: msg.configHash, status: RemoteConfigStatuses.APPLIED };
      this.effective = msg.configMap ?? {};
      const frame = agentFrameWith(
        { instance_uid: this.uid, sequence_num: this.seq++, capabilities: CAPABILITIES, remote_config_status: this.remoteStatus },
        encodedEffectiveConfig(msg.configHash, this.effective),
      );
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
      this.hooks.onConfigApplied(this);
      return;
    }
    if ((msg.flags & ServerToAgentFlags.ReportFullState) !== 0) this.ws?.send(this.fullReport());
  }

  private fullReport(): Buffer {
    return agentFrame({
      instance_uid: this.uid,
      sequence_num: this.seq++,
      capabilities: CAPABILITIES,
      agent_description: {
        identifying_attributes: [
          { key: 'service.name', value: { string_value: 'otelcol-contrib' } },
          { key: 'service.instance.id', value: { string_value: this.uid.toString('hex') } },
          { key: 'service.environment', value: { string_value: this.index % 10 === 0 ? 'staging' : 'production' } },
        ],
        non_identifying_attributes: [
          { key: 'host.name', value: { string_value: `bench-host-${this.index}` } },
          { key: 'os.type', value: { string_value: 'linux' } },
          { key: 'cloud.region', value: { string_value: ['eu-west-1', 'us-east-1', 'ap-south-1'][this.index % 3]! } },
        ],
      },
      health: { healthy: true, start_time_unix_nano: this.startedAt, status: 'ok', status_time_unix_nano: this.startedAt },
      effective_config: { config_map: { config_map: this.effective } },
      remote_config_status: this.remoteStatus,
    });
  }

  private send(msg: AgentToServer): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(agentFrame(msg));
  }
}
