import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsMaterial } from '@roost/platform-process';
import type { Logger } from '@roost/ports';
import type { Registry } from 'prom-client';
import { bearerToken } from '../auth/api-tokens';
import { AdminError } from '../errors/admin-error';
import type { OperationRunner } from '../operations/operation-runner';
import type { RolloutWatches } from '../watch/rollout-watch';
import { CONSOLE_BUILD_COMMAND, isConsolePath, notBuiltPage, readConsoleFile } from './console-assets';
import { eventSchemaAt } from './event-schemas';
import { errorAnswer } from './http-errors';
import { HTTP_ROUTES, matchRoute, METRICS_PATH, OPENAPI_PATH, type RouteMatch } from './http-routes';
import { openApiDocument } from './openapi';
import type { BodyBudget } from './body-budget';
import { BODY_RETRY_AFTER_SECONDS, readJsonBody } from './request-body';
import { streamRollout } from './rollout-sse';

export interface HttpServerDeps {
  readonly runner: OperationRunner;
  readonly watches: RolloutWatches;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  /** Bytes of request bodies being received, over every request. */
  readonly bodyBudget: BodyBudget;
  /** A request (headers and body) not received in full within this is cut off. */
  readonly requestTimeoutMs: number;
  /** Readiness of what the API depends on (NATS, Redis). */
  readonly ready: () => Promise<{ ready: boolean; components: unknown }>;
  /** Served as Prometheus text on `/metrics`. */
  readonly metrics: Registry;
  /** The web console's build (`npm run console:build`), served at `/` and `/console/*`. */
  readonly consoleDir: string;
  /** Serve HTTPS (mTLS with a client CA); null: plain HTTP. */
  readonly tls: TlsMaterial | null;
}

export interface RunningHttpServer {
  readonly url: string;
  /** New connections use these files (no-op without TLS). */
  reloadTls(material: TlsMaterial): void;
  close(): Promise<void>;
}

/** The HTTP transport: routes from HTTP_ROUTES to operations, JSON in and out, SSE for watches. */
export async function startHttpServer(port: number, host: string, deps: HttpServerDeps): Promise<RunningHttpServer> {
  const listener: RequestListener = (request, response) => {
    handle(request, response, deps).catch((error: unknown) => deps.logger.error({ err: String(error) }, 'HTTP handler failed'));
  };
  const tlsServer: TlsServer | null = deps.tls === null ? null : createTlsServer({ ...secureContextOf(deps.tls), requestCert: deps.tls.clientCa !== null, rejectUnauthorized: deps.tls.clientCa !== null }, listener);
  const server: Server = tlsServer ?? createServer(listener);
  server.keepAliveTimeout = 5_000;
  // A body trickled in holds its bytes in the budget: it gets this long, not Node's 300 s.
  server.requestTimeout = deps.requestTimeoutMs;
  server.headersTimeout = Math.min(server.headersTimeout, deps.requestTimeoutMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http${tlsServer === null ? '' : 's'}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return { url, reloadTls: (material) => tlsServer?.setSecureContext(secureContextOf(material)), close: () => closeServer(server) };
}

function secureContextOf(material: TlsMaterial): { cert: Buffer; key: Buffer; ca?: Buffer } {
  return { cert: material.cert, key: material.key, ...(material.clientCa !== null ? { ca: material.clientCa } : {}) };
}

async function handle(request: IncomingMessage, response: ServerResponse, deps: HttpServerDeps): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://admin.invalid');
  try {
    if (request.method === 'GET' && url.pathname === OPENAPI_PATH) return sendJson(response, 200, openApiDocument(deps.runner));
    if (request.method === 'GET' && isConsolePath(url.pathname)) return await sendConsole(response, url.pathname, deps);
    if (request.method === 'GET' && url.pathname === '/healthz') return sendJson(response, 200, { status: 'ok' });
    const schema = request.method === 'GET' ? eventSchemaAt(url.pathname) : null;
    if (schema !== null) return sendJson(response, 200, schema);
    if (request.method === 'GET' && url.pathname === METRICS_PATH) {
      const text = await deps.metrics.metrics();
      response.writeHead(200, { 'content-type': deps.metrics.contentType }).end(text);
      return;
    }
    if (request.method === 'GET' && url.pathname === '/readyz') {
      const readiness = await deps.ready();
      return sendJson(response, readiness.ready ? 200 : 503, readiness);
    }
    const match = matchRoute(HTTP_ROUTES, request.method ?? '', url.pathname);
    if (match === null) throw new AdminError('route.not_found', `no route ${request.method} ${url.pathname}; the routes are listed in ${OPENAPI_PATH}`);
    if (match === 'method_mismatch') throw new AdminError('method.not_allowed', `${url.pathname} does not answer ${request.method}; see ${OPENAPI_PATH}`);
    await answer(match, request, response, url, deps);
  } catch (error) {
    const failure = errorAnswer(error, deps.logger);
    const unread = failure.body.error.code === 'request.too_large' || failure.body.error.code === 'request.over_budget';
    // The rest of a refused body is never read: close the connection rather than reuse it.
    if (unread && !response.headersSent) response.setHeader('connection', 'close');
    if (failure.body.error.code === 'request.over_budget' && !response.headersSent) response.setHeader('retry-after', String(BODY_RETRY_AFTER_SECONDS));
    if (!response.headersSent) sendJson(response, failure.status, failure.body);
    else response.end();
  }
}

async function answer(match: RouteMatch, request: IncomingMessage, response: ServerResponse, url: URL, deps: HttpServerDeps): Promise<void> {
  const { route, params } = match;
  const named = Object.fromEntries(Object.entries(params).map(([name, value]) => [route.params?.[name] ?? name, value]));
  const input = route.input === 'body' ? { ...(await readJsonBody(request, deps.maxBodyBytes, deps.bodyBudget)), ...named } : { ...queryOf(url), ...named };
  const { result } = await deps.runner.invoke({ operation: route.operation, input, token: bearerToken(request.headers.authorization), transport: 'http', successStatus: route.status });
  if (route.stream) return streamRollout((result as { rolloutId: string }).rolloutId, request, response, deps.watches);
  const status = route.operation === 'config.create' && (result as { created?: boolean }).created === false ? 200 : route.status;
  const location = status === 200 ? null : locationOf(route.operation, result);
  if (location !== null) response.setHeader('location', location);
  sendJson(response, status, result);
}

/** Where a created resource is read (the `Location` of a 201 or 202). */
function locationOf(operation: string, result: unknown): string | null {
  const created = result as { rolloutId?: string; id?: string; name?: string; version?: number };
  switch (operation) {
    case 'rollout.start':
      return `/api/v1/rollouts/${encodeURIComponent(created.rolloutId ?? '')}`;
    case 'rollout.start_original':
      return `/api/rollout/${encodeURIComponent(created.id ?? '')}`;
    case 'config.create':
      return `/api/v1/configs/${encodeURIComponent(`${created.name ?? ''}@${created.version ?? ''}`)}`;
    default:
      return null;
  }
}

/** Query parameters; a repeated one keeps its last value. */
function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}

/** The console's own policy: its scripts, styles and API calls come from this origin only. */
const CONSOLE_HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/** The console's files, read from its build on each request (a rebuild is served at once). */
async function sendConsole(response: ServerResponse, path: string, deps: HttpServerDeps): Promise<void> {
  const answer = await readConsoleFile(deps.consoleDir, path);
  switch (answer.kind) {
    case 'not_built': {
      // The API works without its console: say what to run rather than fail.
      if (path !== '/') throw new AdminError('route.not_found', `the web console is not built (${CONSOLE_BUILD_COMMAND}); no console file ${path}`);
      const page = Buffer.from(notBuiltPage());
      response.writeHead(503, { ...CONSOLE_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-length': page.length });
      response.end(page);
      return;
    }
    case 'not_found':
      throw new AdminError('route.not_found', `no console file ${path}; the console is at /`);
    case 'file': {
      const { file } = answer;
      const cache = file.immutable ? { 'cache-control': 'public, max-age=31536000, immutable' } : {};
      response.writeHead(200, { ...CONSOLE_HEADERS, ...cache, 'content-type': file.contentType, 'content-length': file.body.length });
      response.end(file.body);
      return;
    }
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
