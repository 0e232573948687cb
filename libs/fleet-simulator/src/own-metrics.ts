import Long from 'long';
import { encodeMetricsRequest, type ExportMetricsServiceRequestInit } from '@roost/telemetry';

/** Where an agent was offered to send its own metrics (ConnectionSettingsOffers.own_metrics). */
export interface OwnMetricsOffer {
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A simulated collector process's own counters since it (re)started, as the collector keeps them. */
export interface OwnCounters {
  /** When this process started: the counters' start time (a restart begins them again). */
  readonly startMs: number;
  accepted: number;
  sent: number;
  failed: number;
}

const SPANS_PER_SECOND = 100;
const QUEUE_CAPACITY = 1_000;
const CUMULATIVE = 2;

/**
 * One export interval of a collector's pipeline: its receiver accepts spans at a steady rate and
 * its exporter sends them, or — `exportFails`, e.g. a new exporter endpoint that refuses every
 * batch — fails every one while the collector stays healthy.
 */
export function advance(counters: OwnCounters, elapsedMs: number, exportFails: boolean): void {
  const spans = Math.round((SPANS_PER_SECOND * elapsedMs) / 1_000);
  counters.accepted += spans;
  if (exportFails) counters.failed += spans;
  else counters.sent += spans;
}

/**
 * The export a v0.149.0 collector sends of its own metrics over OTLP/HTTP, with the names it
 * uses (`otelcol_receiver_accepted_spans`, `otelcol_exporter_sent_spans`,
 * `otelcol_exporter_send_failed_spans`, queue size and capacity, process memory and CPU), as
 * cumulative sums from the process start, attributed by `receiver` / `exporter`.
 */
export function ownMetricsExport(agentId: string, counters: OwnCounters, nowMs: number, exportFails: boolean): ExportMetricsServiceRequestInit {
  const start = Long.fromNumber(counters.startMs, true).multiply(1_000_000);
  const time = Long.fromNumber(nowMs, true).multiply(1_000_000);
  const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const point = (value: number, attributes: ReturnType<typeof text>[]) => ({ asInt: Long.fromNumber(value), startTimeUnixNano: start, timeUnixNano: time, attributes });
  const sum = (name: string, value: number, attributes: ReturnType<typeof text>[]) => ({ name, unit: '{spans}', sum: { aggregationTemporality: CUMULATIVE, isMonotonic: true, dataPoints: [point(value, attributes)] } });
  const gauge = (name: string, value: number, attributes: ReturnType<typeof text>[] = []) => ({ name, gauge: { dataPoints: [point(value, attributes)] } });
  const receiver = [text('receiver', 'otlp'), text('transport', 'grpc')];
  const exporter = [text('exporter', 'otlphttp')];
  const uptimeSeconds = (nowMs - counters.startMs) / 1_000;
  return {
    resourceMetrics: [
      {
        resource: { attributes: [text('service.name', 'otelcol-contrib'), text('service.instance.id', agentId), text('service.version', '0.149.0')] },
        scopeMetrics: [
          {
            scope: { name: 'go.opentelemetry.io/collector/exporter/exporterhelper' },
            metrics: [
              sum('otelcol_receiver_accepted_spans', counters.accepted, receiver),
              sum('otelcol_receiver_refused_spans', 0, receiver),
              sum('otelcol_exporter_sent_spans', counters.sent, exporter),
              sum('otelcol_exporter_send_failed_spans', counters.failed, exporter),
              gauge('otelcol_exporter_queue_size', exportFails ? 0 : 3, [...exporter, text('data_type', 'traces')]),
              gauge('otelcol_exporter_queue_capacity', QUEUE_CAPACITY, [...exporter, text('data_type', 'traces')]),
              gauge('otelcol_process_memory_rss', 80_000_000),
              { name: 'otelcol_process_cpu_seconds', sum: { aggregationTemporality: CUMULATIVE, isMonotonic: true, dataPoints: [{ asDouble: uptimeSeconds * 0.02, startTimeUnixNano: start, timeUnixNano: time }] } },
            ],
          },
        ],
      },
    ],
  };
}

/** POSTs one export as `application/x-protobuf` with the offered headers; the answer's status, or the error's message. */
export async function sendOwnMetrics(offer: OwnMetricsOffer, request: ExportMetricsServiceRequestInit): Promise<number | string> {
  try {
    const response = await fetch(offer.endpoint, { method: 'POST', headers: { ...offer.headers, 'Content-Type': 'application/x-protobuf' }, body: encodeMetricsRequest(request, 'protobuf') });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
