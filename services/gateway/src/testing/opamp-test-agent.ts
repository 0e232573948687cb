import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gunzipSync, gzipSync } from 'node:zlib';
import Long from 'long';
import WebSocket from 'ws';
import {
  AgentCapability,
  ServerToAgent,
  bitsOf,
  decodeServerToAgent,
  decodeWsFrame,
  encodeAgentToServer,
  encodeWsFrame,
  instanceUidToBytes,
  type AgentToServerInit,
} from '@roost/opamp';

/**
 * A scripted OpAMP agent for tests, written against the wire format (not the gateway's code):
 * it fills instance_uid, sequence_num and capabilities, and queues what the server sends.
 */
export const TEST_CAPABILITIES = bitsOf(
  AgentCapability.ReportsStatus,
  AgentCapability.AcceptsRemoteConfig,
  AgentCapability.ReportsRemoteConfig,
  AgentCapability.ReportsHeartbeat,
);

export const testDescription = (name: string): AgentToServerInit['agentDescription'] => ({
  identifyingAttributes: [{ key: 'service.name', value: { stringValue: name } }],
  nonIdentifyingAttributes: [{ key: 'host.name', value: { stringValue: `${name}-host` } }],
});

abstract class ScriptedAgent {
  sequence = 0;
  constructor(
    readonly agentId: string,
    public capabilities: Long = TEST_CAPABILITIES,
  ) {}

  protected message(init: AgentToServerInit): AgentToServerInit {
    return { instanceUid: instanceUidToBytes(this.agentId), sequenceNum: Long.fromNumber(this.sequence++, true), capabilities: this.capabilities, ...init };
  }
}

export class WsTestAgent extends ScriptedAgent {
  private readonly received: ServerToAgent[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    readonly socket: WebSocket,
    agentId: string,
    capabilities?: Long,
  ) {
    super(agentId, capabilities);
    socket.on('message', (data: Buffer) => {
      this.received.push(decodeServerToAgent(decodeWsFrame(data).data));
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('error', () => undefined);
  }

  /** `autoPong: false` plays a dead peer: the socket stays open but never answers pings. */
  static connect(
    url: string,
    agentId: string,
    options: { capabilities?: Long; headers?: Record<string, string>; autoPong?: boolean; tls?: TestTlsClient } = {},
  ): Promise<WsTestAgent> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: options.headers, autoPong: options.autoPong ?? true, ...options.tls });
      socket.once('open', () => resolve(new WsTestAgent(socket, agentId, options.capabilities)));
      socket.once('unexpected-response', (_request, response) => reject(new UpgradeRefused(response.statusCode ?? 0, response.headers)));
      socket.once('error', reject);
    });
  }

  send(init: AgentToServerInit = {}): void {
    this.sendRaw(encodeWsFrame(encodeAgentToServer(this.message(init))));
  }

  sendRaw(frame: Uint8Array | string): void {
    this.socket.send(frame, { binary: typeof frame !== 'string' });
  }

  /** The next message from the server that matches (earlier non-matching ones are dropped). */
  async next(matches: (message: ServerToAgent) => boolean = () => true, timeoutMs = 5_000): Promise<ServerToAgent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex(matches);
      if (index >= 0) return this.received.splice(0, index + 1)[index] as ServerToAgent;
      this.received.length = 0;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching ServerToAgent for ${this.agentId} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends and waits for the reply (the first message from the server after sending). */
  async exchange(init: AgentToServerInit = {}, timeoutMs?: number): Promise<ServerToAgent> {
    this.received.length = 0;
    this.send(init);
    return this.next(() => true, timeoutMs);
  }

  pending(): readonly ServerToAgent[] {
    return this.received;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close(1000);
    return this.closed;
  }
}

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
  ) {
    super(`upgrade refused with ${status}`);
  }
}

export interface HttpExchange {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Decoded when the reply is a 200 protobuf body. */
  readonly message: ServerToAgent | null;
}

export interface HttpPostOptions {
  readonly gzip?: boolean;
  readonly acceptGzip?: boolean;
  readonly headers?: Record<string, string>;
  readonly tls?: TestTlsClient;
}

/** What a test client trusts (`ca`) and presents (`cert`, `key`: mTLS) over TLS. */
export interface TestTlsClient {
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

export class HttpTestAgent extends ScriptedAgent {
  constructor(
    readonly url: string,
    agentId: string,
    capabilities?: Long,
  ) {
    super(agentId, capabilities);
  }

  exchange(init: AgentToServerInit = {}, options: HttpPostOptions = {}): Promise<HttpExchange> {
    return postOpamp(this.url, encodeAgentToServer(this.message(init)), options);
  }
}

/** One plain-HTTP OpAMP request with full control over the bytes and headers. */
export function postOpamp(url: string, body: Uint8Array, options: HttpPostOptions = {}): Promise<HttpExchange> {
  const payload = options.gzip ? gzipSync(body) : Buffer.from(body);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-protobuf',
    ...(options.gzip ? { 'Content-Encoding': 'gzip' } : {}),
    ...(options.acceptGzip ? { 'Accept-Encoding': 'gzip' } : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(payload.length) }, ...options.tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const message = res.statusCode === 200 && res.headers['content-type'] === 'application/x-protobuf' ? decodeServerToAgent(body) : null;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw, message });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Hex of the offered config hash, or null when the message offers none. */
export function offeredConfigHash(message: ServerToAgent | null): string | null {
  const hash = message?.remoteConfig?.configHash;
  return hash && hash.length > 0 ? Buffer.from(hash).toString('hex') : null;
}


