import { randomUUID } from 'node:crypto';
import Long from 'long';
import WebSocket from 'ws';
import {
  AgentCapability,
  RemoteConfigStatuses,
  ServerToAgentFlag,
  bitsOf,
  decodeServerToAgent,
  decodeWsFrame,
  encodeAgentToServer,
  encodeWsFrame,
  hasFlag,
  instanceUidToBytes,
  type AgentToServerInit,
  type ServerToAgent,
} from '@roost/opamp';

/** A config body containing this text is refused by the agent (reported FAILED). */
export const FAIL_MARKER = '# roost-test: refuse this config';

export interface CollectorAgentOptions {
  readonly environment: string;
  readonly agentId?: string;
  /** The remote config it already runs (reported APPLIED on connect), as its hash. */
  readonly runningHash?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface OfferedConfig {
  readonly hash: string;
  readonly body: string;
  readonly at: number;
}

const CAPABILITIES = bitsOf(
  AgentCapability.ReportsStatus,
  AgentCapability.AcceptsRemoteConfig,
  AgentCapability.ReportsRemoteConfig,
  AgentCapability.ReportsHealth,
);
const APPLIED = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;
const FAILED = RemoteConfigStatuses.RemoteConfigStatuses_FAILED;
const UNSET = RemoteConfigStatuses.RemoteConfigStatuses_UNSET;

/**
 * A collector-like OpAMP agent over WebSocket, written against the wire format: it describes
 * itself (`service.environment` names its group), reports health and the remote config it
 * runs, applies every config it is offered (APPLIED + healthy), except one whose body holds
 * FAIL_MARKER (FAILED, keeps running the old one). It records every offer it receives.
 */
export class CollectorAgent {
  readonly agentId: string;
  readonly offers: OfferedConfig[] = [];
  /** The hash of the remote config it runs ('' for none). */
  runningHash: string;
  /** Whether a config holding FAIL_MARKER is refused; set false to model the cause being fixed. */
  refuseMarked = true;
  private socket: WebSocket | null = null;
  private sequence = 0;
  private readonly startedAt = Date.now();

  private constructor(private readonly options: CollectorAgentOptions) {
    this.agentId = options.agentId ?? randomUUID();
    this.runningHash = options.runningHash ?? '';
  }

  static async connect(url: string, options: CollectorAgentOptions): Promise<CollectorAgent> {
    const agent = new CollectorAgent(options);
    await agent.connectTo(url);
    return agent;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Offered hashes in order (duplicates kept: a config pushed twice shows twice). */
  offeredHashes(): string[] {
    return this.offers.map((offer) => offer.hash);
  }

  async connectTo(url: string): Promise<void> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => undefined);
    socket.on('message', (data: Buffer) => this.onMessage(decodeServerToAgent(decodeWsFrame(data).data)));
    this.socket = socket;
    this.send(this.fullState());
  }

  /** Closes the connection the polite way (agent_disconnect, then close). */
  async disconnect(): Promise<void> {
    const socket = this.socket;
    if (socket === null) return;
    this.send({ agentDisconnect: {} });
    await closeSocket(socket, false);
    this.socket = null;
  }

  /** Drops the connection without a goodbye, as a crash or a network cut would. */
  async drop(): Promise<void> {
    const socket = this.socket;
    if (socket === null) return;
    await closeSocket(socket, true);
    this.socket = null;
  }

  private onMessage(message: ServerToAgent): void {
    if (hasFlag(message.flags ?? 0, ServerToAgentFlag.ReportFullState)) this.send(this.fullState());
    const remote = message.remoteConfig;
    if (!remote?.configHash || remote.configHash.length === 0) return;
    const hash = Buffer.from(remote.configHash).toString('hex');
    const file = remote.config?.configMap?.[''];
    const body = file?.body ? Buffer.from(file.body).toString('utf8') : '';
    this.offers.push({ hash, body, at: Date.now() });
    if (this.refuseMarked && body.includes(FAIL_MARKER)) {
      this.send({ remoteConfigStatus: { lastRemoteConfigHash: Buffer.from(hash, 'hex'), status: FAILED, errorMessage: 'collector refused the config: invalid pipeline' } });
      return;
    }
    this.runningHash = hash;
    this.send({ remoteConfigStatus: { lastRemoteConfigHash: Buffer.from(hash, 'hex'), status: APPLIED }, health: this.health() });
  }

  private fullState(): AgentToServerInit {
    return {
      agentDescription: {
        identifyingAttributes: [
          { key: 'service.name', value: { stringValue: 'otelcol' } },
          { key: 'service.environment', value: { stringValue: this.options.environment } },
        ],
        nonIdentifyingAttributes: Object.entries({ 'host.name': `host-${this.agentId.slice(0, 8)}`, ...this.options.labels }).map(([key, value]) => ({ key, value: { stringValue: value } })),
      },
      health: this.health(),
      remoteConfigStatus: this.runningHash === '' ? { status: UNSET } : { lastRemoteConfigHash: Buffer.from(this.runningHash, 'hex'), status: APPLIED },
    };
  }

  private health(): AgentToServerInit['health'] {
    const nanos = (ms: number): Long => Long.fromNumber(ms, true).multiply(1_000_000);
    return { healthy: true, status: 'StatusOK', startTimeUnixNano: nanos(this.startedAt), statusTimeUnixNano: nanos(Date.now()) };
  }

  private send(init: AgentToServerInit): void {
    const message = { instanceUid: instanceUidToBytes(this.agentId), sequenceNum: Long.fromNumber(this.sequence++, true), capabilities: CAPABILITIES, ...init };
    this.socket?.send(encodeWsFrame(encodeAgentToServer(message)), { binary: true });
  }
}

function closeSocket(socket: WebSocket, abrupt: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    socket.once('close', () => resolve());
    if (abrupt) socket.terminate();
    else socket.close(1000);
  });
}
