import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@roost/ports';
import { bearerToken } from '../auth/api-tokens';
import { AdminError } from '../errors/admin-error';
import type { OperationRunner } from '../operations/operation-runner';
import type { RolloutWatches } from '../watch/rollout-watch';
import { errorAnswer } from './http-errors';
import { HTTP_ROUTES, matchRoute, OPENAPI_PATH, type RouteMatch } from './http-routes';
import { openApiDocument } from './openapi';
import { readJsonBody } from './request-body';
import { streamRollout } from './rollout-sse';

export interface HttpServerDeps {
  readonly runner: OperationRunner;
  readonly watches: RolloutWatches;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  /** Readiness of what the API depends on (NATS, Redis). */
  readonly ready: () => Promise<{ ready: boolean; components: unknown }>;
}

export interface RunningHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The HTTP transport: routes from HTTP_ROUTES to operations, JSON in and out, SSE for watches. */
export async function startHttpServer(port: number, host: string, deps: HttpServerDeps): Promise<RunningHttpServer> {
  const server = createServer((request, response) => {
    handle(request, response, deps).catch((error: unknown) => deps.logger.error({ err: String(error) }, 'HTTP handler failed'));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return { url, close: () => closeServer(server) };
}

async function handle(request: IncomingMessage, response: ServerResponse, deps: HttpServerDeps): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://admin.invalid');
  try {
    if (request.method === 'GET' && url.pathname === OPENAPI_PATH) return sendJson(response, 200, openApiDocument(deps.runner));
    if (request.method === 'GET' && url.pathname === '/healthz') return sendJson(response, 200, { status: 'ok' });
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
    // The rest of an oversize body is never read: close the connection rather than reuse it.
    if (failure.status === 413 && !response.headersSent) response.setHeader('connection', 'close');
    if (!response.headersSent) sendJson(response, failure.status, failure.body);
    else response.end();
  }
}

async function answer(match: RouteMatch, request: IncomingMessage, response: ServerResponse, url: URL, deps: HttpServerDeps): Promise<void> {
  const { route, params } = match;
  const input = route.input === 'body' ? { ...(await readJsonBody(request, deps.maxBodyBytes)), ...params } : { ...queryOf(url), ...params };
  const { result } = await deps.runner.invoke({ operation: route.operation, input, token: bearerToken(request.headers.authorization), transport: 'http', successStatus: route.status });
  if (route.stream) return streamRollout((result as { rolloutId: string }).rolloutId, request, response, deps.watches);
  const status = route.operation === 'config.create' && (result as { created?: boolean }).created === false ? 200 : route.status;
  if (route.operation === 'rollout.start') response.setHeader('location', `/api/v1/rollouts/${encodeURIComponent((result as { rolloutId: string }).rolloutId)}`);
  sendJson(response, status, result);
}

/** Query parameters; a repeated one keeps its last value. */
function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
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
