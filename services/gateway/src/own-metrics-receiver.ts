import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TelemetrySample } from '@roost/contracts';
import type { Logger } from '@roost/ports';
import { collectorSample, decodeMetricsRequest, encodeMetricsResponse, otlpEncodingOf, TelemetryError, type OtlpEncoding } from '@roost/telemetry';
import { BodyError, readBody } from './http-body';
import { BudgetHolder, type MemoryBudget } from './memory-budget';
import type { OwnMetricsCredentials } from './own-metrics-credential';

/** The OTLP/HTTP path the offer names: `POST /v1/metrics` on the gateway's port. */
export const OWN_METRICS_PATH = '/v1/metrics';

/** An agent's own-metrics export is a few hundred data points: 4 MiB is far above any. */
export const OWN_METRICS_MAX_BYTES = 4 * 1024 * 1024;

export type OwnMetricsOutcome = 'accepted' | 'not_attributed' | 'unsupported_media_type' | 'malformed' | 'too_large' | 'refused';

export interface OwnMetricsReceiver {
  readonly credentials: OwnMetricsCredentials;
  readonly budget: MemoryBudget;
  readonly retryAfterSeconds: number;
  /** Hands the export's summary on (to the orchestrators, on `telemetry.agent.<uid>`). */
  readonly publish: (sample: TelemetrySample) => void;
  readonly counted: (outcome: OwnMetricsOutcome) => void;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * `POST /v1/metrics`: an OTLP/HTTP metrics export (protobuf or JSON, gzip or not) of an agent's
 * own metrics, authenticated and attributed by the per-agent headers Roost offered on the agent's
 * authenticated OpAMP connection (own-metrics-credential.ts); summed up at once (collectorSample) and published;
 * nothing is kept here. Bad input gets a 4xx naming what is wrong (OTLP/HTTP: 400 is not
 * retried), never a crash.
 */
export async function receiveOwnMetrics(receiver: OwnMetricsReceiver, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'POST') return refuse(receiver, request, response, 405, 'refused', 'OTLP/HTTP metrics are POSTed to /v1/metrics');
  const agent = receiver.credentials.verify(request.headers);
  if (!agent.ok) return refuse(receiver, request, response, 403, 'not_attributed', agent.reason);
  let encoding: OtlpEncoding;
  try {
    encoding = otlpEncodingOf(request.headers['content-type']);
  } catch (error) {
    return refuse(receiver, request, response, 415, 'unsupported_media_type', (error as Error).message);
  }
  const holder = new BudgetHolder();
  try {
    const body = await readBody(request, OWN_METRICS_MAX_BYTES, (bytes) => receiver.budget.resize(holder, bytes, false));
    const sample = collectorSample(decodeMetricsRequest(body, encoding), agent.agentId, receiver.now());
    receiver.publish(sample);
    receiver.counted('accepted');
    const answer = encodeMetricsResponse(encoding);
    response.writeHead(200, { 'Content-Type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json', 'Content-Length': answer.length });
    response.end(answer);
  } catch (error) {
    if (error instanceof TelemetryError) return refuse(receiver, null, response, 400, 'malformed', error.message);
    if (!(error instanceof BodyError)) throw error;
    bodyRefused(receiver, response, error);
  } finally {
    receiver.budget.release(holder);
  }
}

function bodyRefused(receiver: OwnMetricsReceiver, response: ServerResponse, error: BodyError): void {
  switch (error.code) {
    case 'too_large':
      receiver.counted('too_large');
      response.writeHead(413, { Connection: 'close', 'Content-Type': 'text/plain' });
      response.end(error.message);
      return;
    case 'bad_gzip':
      return refuse(receiver, null, response, 400, 'malformed', `body is not valid gzip: ${error.message}`);
    case 'unsupported_encoding':
      return refuse(receiver, null, response, 415, 'unsupported_media_type', error.message);
    case 'aborted':
      response.destroy();
      return;
    case 'memory_budget':
    case 'pre_auth_budget':
      // OTLP/HTTP senders retry a 503 after Retry-After.
      return refuse(receiver, null, response, 503, 'refused', `${error.message}; retry later`, { 'Retry-After': String(receiver.retryAfterSeconds), Connection: 'close' });
  }
}

function refuse(
  receiver: OwnMetricsReceiver,
  request: IncomingMessage | null,
  response: ServerResponse,
  status: number,
  outcome: OwnMetricsOutcome,
  text: string,
  headers: Record<string, string> = {},
): void {
  request?.resume();
  receiver.counted(outcome);
  receiver.logger.debug({ status, outcome, reason: text }, 'own-metrics export refused');
  response.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
  response.end(text);
}
