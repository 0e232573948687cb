import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Readiness } from './readiness';

export interface ProbeServer {
  readonly url: string;
  close(): Promise<void>;
}

/** /healthz (the process answers), /readyz (caught up and connected; JSON with the lag) and /metrics. */
export async function startProbeServer(port: number, host: string, readiness: () => Promise<Readiness>, registry: Registry): Promise<ProbeServer> {
  const server: Server = createServer((request, response) => {
    const reply = (status: number, contentType: string, body: string): void => {
      response.writeHead(status, { 'content-type': contentType }).end(body);
    };
    const path = (request.url ?? '/').split('?')[0];
    const answer = async (): Promise<void> => {
      switch (path) {
        case '/healthz':
          return reply(200, 'application/json', '{"status":"ok"}');
        case '/readyz': {
          const ready = await readiness();
          return reply(ready.ready ? 200 : 503, 'application/json', JSON.stringify(ready));
        }
        case '/metrics':
          return reply(200, registry.contentType, await registry.metrics());
        default:
          return reply(404, 'application/json', '{"error":"not found"}');
      }
    };
    answer().catch((error: unknown) => reply(500, 'application/json', JSON.stringify({ error: error instanceof Error ? error.message : String(error) })));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
