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
  u64,
  type AgentToServerInit,
  type ConfigMap,
} from './opamp-wire';

const CAPABILITIES =
  AgentCapabilities.ReportsStatus |
  AgentCapabilities.AcceptsRemoteConfig |
  AgentCapabilities.ReportsEffectiveConfig |
  AgentCapabilities.ReportsHealth |
  AgentCapabilities.ReportsRemoteConfig |
  AgentCapabilities.ReportsHeartbeat;
const CAPABILITY_BITS = u64(CAPABILITIES);

const LOCAL_CONFIG = Buffer.from('receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\n');

const encodedConfigs = new Map<string, Buffer>();

/** The effective-config field for a config hash, encoded once for the whole fleet. */
function encodedEffectiveConfig(hash: Uint8Array, configMap: ConfigMap): Buffer {
  const key = Buffer.from(hash).toString('hex');
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
  /** Called for every message sent after the first report (each one is answered by the server). */
  onSent?(agent: SimulatedAgent): void;
}

export class SimulatedAgent {
  readonly uid = randomBytes(16);
  private seq = 0;
  private effective: ConfigMap = { '': { body: LOCAL_CONFIG, contentType: 'text/yaml' } };
  private remoteStatus: AgentToServerInit['remoteConfigStatus'] = {
    lastRemoteConfigHash: Buffer.alloc(0),
    status: RemoteConfigStatuses.UNSET,
  };
  private ws?: WebSocket;
  private readonly startedAt = Date.now() * 1e6;

  private readonly environment: string;
  private readonly healthWithApplied: boolean;

  /**
   * `environment` is the agent's service.environment (its rollout group; by default one agent in
   * ten is 'staging', the rest 'production'). `healthWithApplied` sends the agent's health with
   * its APPLIED, as a collector does once it runs the new config (a rollout counts an agent that
   * reports health as applied only when healthy since the push); off by default, so the gateway
   * benchmark's messages stay as they were.
   */
  constructor(
    private readonly index: number,
    private readonly hooks: AgentHooks,
    options: { environment?: string; healthWithApplied?: boolean } = {},
  ) {
    this.environment = options.environment ?? (index % 10 === 0 ? 'staging' : 'production');
    this.healthWithApplied = options.healthWithApplied ?? false;
  }

  /**
   * Opens the connection, sends the full first report, resolves on the server's answer.
   * `localAddress` binds the socket to a source address first; undefined lets connect() choose.
   */
  connect(url: string, localAddress: string | undefined, timeoutMs: number): Promise<void> {
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
      instanceUid: this.uid,
      sequenceNum: u64(this.seq++),
      capabilities: CAPABILITY_BITS,
      health: this.health(Date.now()),
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
      this.remoteStatus = { lastRemoteConfigHash: msg.configHash, status: RemoteConfigStatuses.APPLIED };
      this.effective = msg.configMap ?? {};
      const frame = agentFrameWith(
        {
          instanceUid: this.uid,
          sequenceNum: u64(this.seq++),
          capabilities: CAPABILITY_BITS,
          remoteConfigStatus: this.remoteStatus,
          ...(this.healthWithApplied ? { health: this.health(Date.now()) } : {}),
        },
        encodedEffectiveConfig(msg.configHash, this.effective),
      );
      this.write(frame);
      this.hooks.onConfigApplied(this);
      return;
    }
    if ((msg.flags & ServerToAgentFlags.ReportFullState) !== 0) this.write(this.fullReport());
  }

  private fullReport(): Buffer {
    return agentFrame({
      instanceUid: this.uid,
      sequenceNum: u64(this.seq++),
      capabilities: CAPABILITY_BITS,
      agentDescription: {
        identifyingAttributes: [
          { key: 'service.name', value: { stringValue: 'otelcol-contrib' } },
          { key: 'service.instance.id', value: { stringValue: this.uid.toString('hex') } },
          { key: 'service.environment', value: { stringValue: this.environment } },
        ],
        nonIdentifyingAttributes: [
          { key: 'host.name', value: { stringValue: `bench-host-${this.index}` } },
          { key: 'os.type', value: { stringValue: 'linux' } },
          { key: 'cloud.region', value: { stringValue: ['eu-west-1', 'us-east-1', 'ap-south-1'][this.index % 3]! } },
        ],
      },
      health: this.health(this.startedAt / 1e6),
      effectiveConfig: { configMap: { configMap: this.effective } },
      remoteConfigStatus: this.remoteStatus,
    });
  }

  private health(atMs: number): AgentToServerInit['health'] {
    return { healthy: true, startTimeUnixNano: u64(this.startedAt), status: 'ok', statusTimeUnixNano: u64(atMs * 1e6) };
  }

  private send(msg: AgentToServerInit): void {
    this.write(agentFrame(msg));
  }

  private write(frame: Buffer): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(frame);
    this.hooks.onSent?.(this);
  }
}
