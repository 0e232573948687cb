/**
 * What the drill's collectors export to: a local OTLP/HTTP endpoint that takes every request
 * (200) or refuses it (503, as a backend in trouble does), switchable while it runs, and a
 * trickle of traces into each collector so they have something to export.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpBackend {
  /** Base URL for an `otlphttp` exporter's `endpoint` (the exporter adds /v1/traces). */
  readonly url: string;
  /** 'accept' answers 200, 'refuse' 503. */
  mode: 'accept' | 'refuse';
  readonly requests: { accepted: number; refused: number };
  close(): Promise<void>;
}

export async function startOtlpBackend(mode: OtlpBackend['mode']): Promise<OtlpBackend> {
  const requests = { accepted: 0, refused: 0 };
  const backend = { url: '', mode, requests, close: async () => undefined } as OtlpBackend & { close(): Promise<void> };
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (backend.mode === 'accept') {
        requests.accepted += 1;
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end('{}');
      } else {
        requests.refused += 1;
        response.writeHead(503, { 'Content-Type': 'text/plain' });
        response.end('backend unavailable');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return Object.assign(backend, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Posts a few spans to each port every `everyMs` (errors ignored: a collector may be restarting). */
export function sendTraces(ports: () => readonly number[], everyMs = 100, spans = 5): { stop(): void } {
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'drill' } }] },
        scopeSpans: [
          {
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: `eee19b7ec3c1b1${String(70 + i).padStart(2, '0')}`,
              name: 'drill',
              kind: 1,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000100000000',
            })),
          },
        ],
      },
    ],
  });
  const timer = setInterval(() => {
    for (const port of ports()) {
      fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
    }
  }, everyMs);
  return { stop: () => clearInterval(timer) };
}
