import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CollectorErrors, TelemetrySample } from '@roost/contracts';
import type { Logger } from '@roost/ports';
import { collectorErrors, collectorSample, decodeLogsRequest, decodeMetricsRequest, encodeLogsResponse, encodeMetricsResponse, otlpEncodingOf, TelemetryError, type OtlpEncoding } from '@roost/telemetry';
import { BodyError, readBody } from './http-body';
import { BudgetHolder, type MemoryBudget } from './memory-budget';
import type { OwnMetricsCredentials } from './own-metrics-credential';

/** The OTLP/HTTP paths the offers name, on the gateway's port. */
export const OWN_METRICS_PATH = '/v1/metrics';
export const OWN_LOGS_PATH = '/v1/logs';

/**
 * An agent's own-metrics export is a few hundred data points, an own-logs export at most a batch
 * of records (512 by default): 4 MiB is far above either.
 */
export const OWN_TELEMETRY_MAX_BYTES = 4 * 1024 * 1024;

export type OwnTelemetryOutcome = 'accepted' | 'not_attributed' | 'unsupported_media_type' | 'malformed' | 'too_large' | 'refused';

/** What the receiver needs, whichever signal. */
export interface OwnTelemetryReceiver {
  readonly credentials: OwnMetricsCredentials;
  readonly budget: MemoryBudget;
  readonly retryAfterSeconds: number;
  readonly counted: (outcome: OwnTelemetryOutcome) => void;
  readonly now: () => number;
  readonly logger: Logger;
}

/** One OTLP signal: its path, and what is done with an export of it. */
export interface OwnTelemetrySignal {
  readonly path: string;
  /** Throws TelemetryError for a body that is not an export of this signal. */
  readonly take: (body: Uint8Array, encoding: OtlpEncoding, agentId: string, receivedAt: number) => void;
  readonly answer: (encoding: OtlpEncoding) => Uint8Array;
}

/** `POST /v1/metrics`: each export summed up at once (collectorSample) and handed on; nothing is kept here. */
export function ownMetricsSignal(publish: (sample: TelemetrySample) => void): OwnTelemetrySignal {
  return {
    path: OWN_METRICS_PATH,
    take: (body, encoding, agentId, receivedAt) => publish(collectorSample(decodeMetricsRequest(body, encoding), agentId, receivedAt)),
    answer: encodeMetricsResponse,
  };
}

/** `POST /v1/logs`: each export's error-level records picked out (collectorErrors) and handed on, when it has any; nothing is kept here. */
export function ownLogsSignal(publish: (errors: CollectorErrors) => void): OwnTelemetrySignal {
  return {
    path: OWN_LOGS_PATH,
    take: (body, encoding, agentId, receivedAt) => {
      const errors = collectorErrors(decodeLogsRequest(body, encoding), agentId, receivedAt);
      if (errors !== null) publish(errors);
    },
    answer: encodeLogsResponse,
  };
}

/**
 * An OTLP/HTTP export (protobuf or JSON, gzip or not) of an agent's own metrics or logs,
 * authenticated and attributed by the per-agent headers Roost offered on the agent's
 * authenticated OpAMP connection (own-metrics-credential.ts). Bad input gets a 4xx naming what is
 * wrong (OTLP/HTTP: 400 is not retried), never a crash.
 */
export async function receiveOwnTelemetry(receiver: OwnTelemetryReceiver, signal: OwnTelemetrySignal, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'POST') return refuse(receiver, request, response, 405, 'refused', `OTLP/HTTP exports are POSTed to ${signal.path}`);
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
    const body = await readBody(request, OWN_TELEMETRY_MAX_BYTES, (bytes) => receiver.budget.resize(holder, bytes, false));
    signal.take(body, encoding, agent.agentId, receiver.now());
    receiver.counted('accepted');
    const answer = signal.answer(encoding);
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

function bodyRefused(receiver: OwnTelemetryReceiver, response: ServerResponse, error: BodyError): void {
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
  receiver: OwnTelemetryReceiver,
  request: IncomingMessage | null,
  response: ServerResponse,
  status: number,
  outcome: OwnTelemetryOutcome,
  text: string,
  headers: Record<string, string> = {},
): void {
  request?.resume();
  receiver.counted(outcome);
  receiver.logger.debug({ status, outcome, reason: text }, 'own-telemetry export refused');
  response.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
  response.end(text);
}
