import WebSocket from 'ws';
import { decodeServerToAgent, decodeWsFrame, encodeAgentToServer, encodeWsFrame, type AgentToServerInit } from '@roost/opamp';
import { backoffMs, retryAfterMs, type Connection, type ConnectionHooks, type ConnectionOptions } from './connection';

const HANDSHAKE_TIMEOUT_MS = 10_000;
/** A connection closed sooner than this after opening counts as a failure, so a server that keeps closing it is not hammered. */
const STABLE_AFTER_MS = 10_000;

/** OpAMP over WebSocket: binary frames with the 0 header, the full state first on every connect. */
export class WsConnection implements Connection {
  private socket: WebSocket | null = null;
  private open = false;
  private failures = 0;
  /** Position in the URL list; moves on to the next gateway after each failure or lost connection. */
  private urlIndex: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private down = true;

  constructor(
    private readonly hooks: ConnectionHooks,
    private readonly options: ConnectionOptions,
  ) {
    this.urlIndex = options.startIndex;
  }

  get connected(): boolean {
    return this.open;
  }

  start(): void {
    if (this.stopped || !this.down) return;
    this.down = false;
    this.connect();
  }

  push(init: AgentToServerInit): void {
    if (this.open) this.send(init);
  }

  drop(): void {
    this.down = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.terminate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.down = true;
    clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    if (socket === null) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    if (this.open) {
      this.send({ agentDisconnect: {} });
      socket.close(1000, 'agent stopping');
    } else {
      socket.terminate();
    }
    await closed;
  }

  private connect(): void {
    const { urls, headers } = this.options;
    const url = urls[this.urlIndex % urls.length] as string;
    const socket = new WebSocket(url, { headers: { ...headers }, perMessageDeflate: false, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    this.socket = socket;
    let retryAfter: number | null = null;
    let openedAt = 0;
    socket.on('open', () => {
      this.open = true;
      openedAt = Date.now();
      this.hooks.onConnected(url);
      this.send(this.hooks.fullState());
    });
    socket.on('message', (data: Buffer) => {
      try {
        this.hooks.onMessage(decodeServerToAgent(decodeWsFrame(data).data));
      } catch (error) {
        this.options.logger.warn({ url, error: String(error) }, 'undecodable message from the server');
      }
    });
    socket.on('unexpected-response', (_request, response) => {
      retryAfter = response.statusCode === 503 ? retryAfterMs(response.headers['retry-after']) : null;
      this.options.logger.debug({ url, status: response.statusCode }, 'upgrade refused');
      socket.terminate();
    });
    socket.on('error', (error) => this.options.logger.debug({ url, error: error.message }, 'websocket error'));
    socket.on('close', () => {
      const wasOpen = this.open;
      this.open = false;
      this.socket = null;
      if (wasOpen) this.hooks.onDisconnected();
      this.failures = wasOpen && Date.now() - openedAt >= STABLE_AFTER_MS ? 0 : this.failures + 1;
      if (this.stopped || this.down) return;
      this.urlIndex += 1;
      this.reconnectTimer = setTimeout(() => this.connect(), retryAfter ?? backoffMs(this.failures, this.options.random));
    });
  }

  private send(init: AgentToServerInit): void {
    this.socket?.send(encodeWsFrame(encodeAgentToServer(this.hooks.envelope(init))), { binary: true });
  }
}
