import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ClientCertificate } from '@roost/contracts';
import type { Logger } from '@roost/ports';
import { clientCertificateOf } from './client-certificate';
import type { Authorisation } from './enrolment-authority';
import type { EnrolmentCredential } from './enrolment-check';
import { acceptsGzip, BodyError, gzipAsync, readBody } from './http-body';
import { BudgetHolder, type BudgetRefusal, type MemoryBudget } from './memory-budget';
import type { GatewayMetrics } from './gateway-metrics';
import { OWN_LOGS_PATH, OWN_METRICS_PATH } from './own-telemetry-receiver';

/** The one content type OpAMP over plain HTTP uses, compared exactly (pitfall §13.10). */
export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';

/** Responses smaller than this are not worth compressing. */
const GZIP_MIN_BYTES = 512;

/** What the agent sessions answer to one decoded HTTP body. */
export type HttpOpampResult =
  | { readonly kind: 'reply'; readonly body: Uint8Array }
  | { readonly kind: 'malformed'; readonly reason: string }
  /** The agent may not speak with the token it showed (another group or agent): 403. */
  | { readonly kind: 'forbidden'; readonly reason: string }
  | { readonly kind: 'over_capacity' };

export interface HttpEndpointHooks {
  readonly path: string;
  readonly maxMessageBytes: number;
  readonly retryAfterSeconds: number;
  /** Holds request bodies while they are read and handled (as unauthenticated connections). */
  readonly budget: MemoryBudget;
  readonly onRefused: (reason: BudgetRefusal) => void;
  /** The request's bearer token: the shared one, an enrolment token (which it returns), or none where none is needed. */
  readonly authorise: (request: IncomingMessage) => Authorisation | Promise<Authorisation>;
  /** True when one more WebSocket agent may connect. */
  readonly admitsWebSocket: () => boolean;
  /**
   * `clientCertificate`: the verified TLS client certificate of the request's connection (mTLS),
   * null without one; `enrolment`: the enrolment token the request showed, null without one.
   */
  readonly handleHttpMessage: (body: Buffer, clientCertificate: ClientCertificate | null, enrolment: EnrolmentCredential | null) => HttpOpampResult | Promise<HttpOpampResult>;
  readonly acceptUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer, enrolment: EnrolmentCredential | null) => void;
  /** `POST /v1/metrics`: agents' own metrics (own-telemetry-receiver.ts). */
  readonly ownMetrics?: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** `POST /v1/logs`: agents' own logs (own-telemetry-receiver.ts). */
  readonly ownLogs?: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  readonly metricsText: () => Promise<{ contentType: string; body: string }>;
  readonly healthy: () => boolean;
  readonly ready: () => Promise<{ ready: boolean; detail: Record<string, unknown> }>;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
}

/** The request listener of the gateway's single port: OpAMP over HTTP, metrics and probes. */
export function createRequestListener(hooks: HttpEndpointHooks): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    route(hooks, request, response).catch((error: unknown) => {
      hooks.logger.error({ err: String(error), url: request.url }, 'request failed');
      if (!response.headersSent) plain(response, 500, 'internal error');
      else response.destroy();
    });
  };
}

async function route(hooks: HttpEndpointHooks, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = pathOf(request.url);
  if (path === hooks.path) return opampRequest(hooks, request, response);
  if (path === OWN_METRICS_PATH && hooks.ownMetrics !== undefined) return hooks.ownMetrics(request, response);
  if (path === OWN_LOGS_PATH && hooks.ownLogs !== undefined) return hooks.ownLogs(request, response);
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'method not allowed');
  switch (path) {
    case '/metrics': {
      const { contentType, body } = await hooks.metricsText();
      response.writeHead(200, { 'Content-Type': contentType });
      response.end(body);
      return;
    }
    case '/healthz':
      return json(response, hooks.healthy() ? 200 : 503, { status: hooks.healthy() ? 'ok' : 'unhealthy' });
    case '/readyz': {
      const { ready, detail } = await hooks.ready();
      return json(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', ...detail });
    }
    default:
      return plain(response, 404, 'not found');
  }
}

async function opampRequest(hooks: HttpEndpointHooks, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { metrics } = hooks;
  const authorisation = await hooks.authorise(request);
  if (!authorisation.ok) {
    metrics.refusedConnections.inc({ reason: authorisation.status === 401 ? 'unauthorised' : 'auth_unavailable' });
    request.resume();
    response.writeHead(authorisation.status, authorisation.status === 401 ? UNAUTHORISED_HEADERS : { 'Retry-After': String(hooks.retryAfterSeconds), 'Content-Type': 'text/plain' });
    response.end(authorisation.reason);
    return;
  }
  if (request.method !== 'POST') {
    request.resume();
    return plain(response, 405, 'OpAMP over HTTP is POST with Content-Type application/x-protobuf, or a WebSocket upgrade');
  }
  if (request.headers['content-type'] !== PROTOBUF_CONTENT_TYPE) {
    metrics.decodeErrors.inc({ transport: 'http', reason: 'bad_content_type' });
    request.resume();
    return plain(response, 415, `Content-Type must be exactly ${PROTOBUF_CONTENT_TYPE}`);
  }
  const holder = new BudgetHolder();
  try {
    return await readAndHandle(hooks, request, response, holder, authorisation.enrolment);
  } finally {
    hooks.budget.release(holder);
  }
}

async function readAndHandle(hooks: HttpEndpointHooks, request: IncomingMessage, response: ServerResponse, holder: BudgetHolder, enrolment: EnrolmentCredential | null): Promise<void> {
  const { metrics } = hooks;
  let body: Buffer;
  try {
    body = await readBody(request, hooks.maxMessageBytes, (bytes) => hooks.budget.resize(holder, bytes, true));
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    return bodyRefused(hooks, response, error);
  }
  const result = await hooks.handleHttpMessage(body, clientCertificateOf(request.socket), enrolment);
  switch (result.kind) {
    case 'reply':
      return reply(request, response, result.body);
    case 'malformed':
      return plain(response, 400, result.reason);
    case 'forbidden':
      // Counted by the sessions, which refused it.
      return plain(response, 403, result.reason);
    case 'over_capacity':
      metrics.refusedConnections.inc({ reason: 'over_capacity' });
      response.writeHead(503, { 'Retry-After': String(hooks.retryAfterSeconds), 'Content-Type': 'text/plain' });
      response.end('gateway at its agent limit; retry later');
      return;
  }
}

function bodyRefused(hooks: HttpEndpointHooks, response: ServerResponse, error: BodyError): void {
  switch (error.code) {
    case 'too_large':
      hooks.metrics.decodeErrors.inc({ transport: 'http', reason: 'too_large' });
      // Closing the connection: the rest of an over-size body is not worth reading.
      response.writeHead(413, { Connection: 'close', 'Content-Type': 'text/plain' });
      response.end(error.message);
      return;
    case 'bad_gzip':
      hooks.metrics.decodeErrors.inc({ transport: 'http', reason: 'bad_gzip' });
      return plain(response, 400, `body is not valid gzip: ${error.message}`);
    case 'unsupported_encoding':
      return plain(response, 415, error.message);
    case 'aborted':
      response.destroy();
      return;
    case 'memory_budget':
    case 'pre_auth_budget':
      hooks.onRefused(error.code);
      response.writeHead(503, { Connection: 'close', 'Retry-After': String(hooks.retryAfterSeconds), 'Content-Type': 'text/plain' });
      response.end(`${error.message}; retry later`);
      return;
  }
}

async function reply(request: IncomingMessage, response: ServerResponse, body: Uint8Array): Promise<void> {
  if (body.length >= GZIP_MIN_BYTES && acceptsGzip(request.headers['accept-encoding'])) {
    const compressed = await gzipAsync(body);
    response.writeHead(200, { 'Content-Type': PROTOBUF_CONTENT_TYPE, 'Content-Encoding': 'gzip', 'Content-Length': compressed.length });
    response.end(compressed);
    return;
  }
  response.writeHead(200, { 'Content-Type': PROTOBUF_CONTENT_TYPE, 'Content-Length': body.length });
  response.end(body);
}

const UNAUTHORISED_HEADERS = { 'WWW-Authenticate': 'Bearer realm="roost", error="invalid_token"', 'Content-Type': 'text/plain' };

/** Upgrade listener: only the OpAMP path, authorised, under the agent limit. */
export function createUpgradeListener(hooks: HttpEndpointHooks): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (request, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(request.url) !== hooks.path) return refuseUpgrade(socket, 404, 'Not Found');
    const authorisation = hooks.authorise(request);
    if (authorisation instanceof Promise) {
      // The socket is not read meanwhile: what the agent sends waits in the kernel.
      authorisation.then(
        (settled) => upgradeAuthorised(hooks, request, socket, head, settled),
        (error: unknown) => {
          hooks.logger.error({ err: String(error) }, 'upgrade authorisation failed');
          refuseUpgrade(socket, 500, 'Internal Server Error');
        },
      );
      return;
    }
    upgradeAuthorised(hooks, request, socket, head, authorisation);
  };
}

function upgradeAuthorised(hooks: HttpEndpointHooks, request: IncomingMessage, socket: Duplex, head: Buffer, authorisation: Authorisation): void {
  if (socket.destroyed) return;
  if (!authorisation.ok) {
    hooks.metrics.refusedConnections.inc({ reason: authorisation.status === 401 ? 'unauthorised' : 'auth_unavailable' });
    if (authorisation.status === 401) return refuseUpgrade(socket, 401, 'Unauthorized', { 'WWW-Authenticate': UNAUTHORISED_HEADERS['WWW-Authenticate'] }, authorisation.reason);
    return refuseUpgrade(socket, 503, 'Service Unavailable', { 'Retry-After': String(hooks.retryAfterSeconds) }, authorisation.reason);
  }
  if (!hooks.admitsWebSocket()) {
    hooks.metrics.refusedConnections.inc({ reason: 'over_capacity' });
    return refuseUpgrade(socket, 503, 'Service Unavailable', { 'Retry-After': String(hooks.retryAfterSeconds) });
  }
  hooks.acceptUpgrade(request, socket, head, authorisation.enrolment);
}

/** An HTTP answer to an upgrade request, with the reason as its body. */
function refuseUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}, body = ''): void {
  const length = Buffer.byteLength(body);
  const lines = [`HTTP/1.1 ${status} ${text}`, 'Connection: close', `Content-Length: ${length}`, ...(length > 0 ? ['Content-Type: text/plain'] : []), ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain' });
  response.end(text);
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(value));
}
