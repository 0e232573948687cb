import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { decodeServerToAgent, encodeAgentToServer, type AgentToServerInit, type ServerToAgent } from '@roost/opamp';
import { backoffMs, retryAfterMs, type Connection, type ConnectionHooks, type ConnectionOptions } from './connection';

const REQUEST_TIMEOUT_MS = 10_000;
/** One keep-alive pool per scheme for every simulated HTTP agent of the process. */
const keepAlive = { http: new HttpAgent({ keepAlive: true, maxSockets: 256 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }) };

type Reply = { readonly kind: 'message'; readonly message: ServerToAgent } | { readonly kind: 'busy'; readonly retryAfter: number | null } | { readonly kind: 'refused'; readonly status: number };

/**
 * OpAMP over plain HTTP: one request in flight per agent; a change is posted at once, otherwise
 * the agent polls every `pollIntervalMs`. Changes made while a request is out go in the next one.
 */
export class HttpConnection implements Connection {
  private pending: AgentToServerInit | null = null;
  private inFlight = false;
  private live = false;
  private needFullState = true;
  private failures = 0;
  /** Position in the URL list; moves on to the next gateway after each failure. */
  private urlIndex: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private down = true;
  /** Bumped by drop/stop, so the answer to a request sent before is ignored. */
  private epoch = 0;

  constructor(
    private readonly hooks: ConnectionHooks,
    private readonly options: ConnectionOptions,
  ) {
    this.urlIndex = options.startIndex;
  }

  get connected(): boolean {
    return this.live;
  }

  start(): void {
    if (this.stopped || !this.down) return;
    this.down = false;
    this.needFullState = true;
    this.post();
  }

  push(init: AgentToServerInit): void {
    if (this.down) return;
    this.pending = { ...this.pending, ...init };
    if (!this.inFlight) this.post();
  }

  drop(): void {
    this.halt();
    if (this.live) {
      this.live = false;
      this.hooks.onDisconnected();
    }
  }

  async stop(): Promise<void> {
    const wasLive = this.live;
    this.stopped = true;
    this.halt();
    if (!wasLive) return;
    this.live = false;
    await this.exchange({ agentDisconnect: {} }).catch(() => undefined);
    this.hooks.onDisconnected();
  }

  private halt(): void {
    this.down = true;
    this.epoch += 1;
    this.inFlight = false;
    this.pending = null;
    clearTimeout(this.timer);
  }

  private post(): void {
    if (this.inFlight || this.down) return;
    clearTimeout(this.timer);
    this.inFlight = true;
    const body = this.needFullState ? { ...this.hooks.fullState() } : (this.pending ?? {});
    this.pending = null;
    const epoch = this.epoch;
    this.exchange(body).then(
      (reply) => epoch === this.epoch && this.answered(reply),
      (error: unknown) => epoch === this.epoch && this.failed(null, String(error)),
    );
  }

  private answered(reply: Reply): void {
    this.inFlight = false;
    if (reply.kind !== 'message') {
      this.failed(reply.kind === 'busy' ? reply.retryAfter : null, reply.kind === 'busy' ? 'over capacity' : `HTTP ${reply.status}`);
      return;
    }
    this.failures = 0;
    this.needFullState = false;
    if (!this.live) {
      this.live = true;
      this.hooks.onConnected(this.url());
    }
    this.hooks.onMessage(reply.message);
    if (this.down) return;
    if (this.pending !== null) this.post();
    else this.timer = setTimeout(() => this.post(), this.options.pollIntervalMs);
  }

  private failed(retryAfter: number | null, reason: string): void {
    this.inFlight = false;
    this.options.logger.debug({ url: this.url(), reason }, 'OpAMP request failed');
    this.failures += 1;
    this.urlIndex += 1;
    this.needFullState = true;
    if (this.live) {
      this.live = false;
      this.hooks.onDisconnected();
    }
    if (!this.down) this.timer = setTimeout(() => this.post(), retryAfter ?? backoffMs(this.failures, this.options.random));
  }

  private url(): string {
    const { urls } = this.options;
    return urls[this.urlIndex % urls.length] as string;
  }

  private exchange(init: AgentToServerInit): Promise<Reply> {
    const payload = Buffer.from(encodeAgentToServer(this.hooks.envelope(init)));
    const headers = { ...this.options.headers, 'Content-Type': 'application/x-protobuf', 'Content-Length': String(payload.length) };
    const url = this.url();
    const secure = url.startsWith('https:');
    const request = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', headers, agent: secure ? keepAlive.https : keepAlive.http, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status === 503) return resolve({ kind: 'busy', retryAfter: retryAfterMs(res.headers['retry-after']) });
          if (status !== 200) return resolve({ kind: 'refused', status });
          try {
            resolve({ kind: 'message', message: decodeServerToAgent(Buffer.concat(chunks)) });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}
