import type { TelemetrySample } from '@roost/contracts';
import Long from 'long';
import { appendSample, collectorSample, decodeMetricsRequest, encodeMetricsRequest, otlpEncodingOf, TelemetryError, windowFigures, type ExportMetricsServiceRequestInit, type Metric } from './index';

const MS = 1_000_000;
const startNanos = Long.fromNumber(1_700_000_000_000 * MS, true);

function sum(name: string, points: [Record<string, string>, number][]): Metric {
  return {
    name,
    sum: {
      aggregationTemporality: 2,
      isMonotonic: true,
      dataPoints: points.map(([attributes, value]) => ({
        attributes: Object.entries(attributes).map(([key, stringValue]) => ({ key, value: { stringValue } })),
        startTimeUnixNano: startNanos,
        timeUnixNano: startNanos.add(60_000 * MS),
        asInt: Long.fromNumber(value),
      })),
    },
  };
}

function gauge(name: string, points: [Record<string, string>, number][]): Metric {
  return {
    name,
    gauge: { dataPoints: points.map(([attributes, value]) => ({ attributes: Object.entries(attributes).map(([key, stringValue]) => ({ key, value: { stringValue } })), asDouble: value })) },
  };
}

/** One export as a v0.149.0 collector sends it: an OTLP receiver, two processors, an otlphttp exporter. */
const EXPORT: ExportMetricsServiceRequestInit = {
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.instance.id', value: { stringValue: 'a1' } }] },
      scopeMetrics: [
        {
          scope: { name: 'go.opentelemetry.io/collector/exporter/exporterhelper' },
          metrics: [
            sum('otelcol_exporter_sent_spans', [[{ exporter: 'otlphttp' }, 900]]),
            sum('otelcol_exporter_send_failed_spans', [[{ exporter: 'otlphttp' }, 100]]),
            sum('otelcol_exporter_enqueue_failed_spans', [[{ exporter: 'otlphttp' }, 0]]),
            gauge('otelcol_exporter_queue_size', [[{ exporter: 'otlphttp', data_type: 'traces' }, 250]]),
            gauge('otelcol_exporter_queue_capacity', [[{ exporter: 'otlphttp', data_type: 'traces' }, 1000]]),
          ],
        },
        {
          scope: { name: 'go.opentelemetry.io/collector/receiver/receiverhelper' },
          metrics: [sum('otelcol_receiver_accepted_spans', [[{ receiver: 'otlp', transport: 'http' }, 1000]]), sum('otelcol_receiver_refused_spans', [[{ receiver: 'otlp', transport: 'http' }, 5]])],
        },
        {
          scope: { name: 'go.opentelemetry.io/collector/processor/processorhelper' },
          metrics: [
            sum('otelcol_processor_incoming_items', [[{ processor: 'memory_limiter' }, 1000], [{ processor: 'batch' }, 1000]]),
            sum('otelcol_processor_outgoing_items', [[{ processor: 'memory_limiter' }, 1000], [{ processor: 'batch' }, 600]]),
          ],
        },
        { scope: { name: 'go.opentelemetry.io/collector/service' }, metrics: [gauge('otelcol_process_memory_rss', [[{}, 52e6]]), sum('otelcol_process_uptime', [[{}, 60]])] },
      ],
    },
  ],
};

describe('OTLP metrics requests', () => {
  it.each(['protobuf', 'json'] as const)('decodes a %s export and sums up what the gates read', (encoding) => {
    const request = decodeMetricsRequest(encodeMetricsRequest(EXPORT, encoding), encoding);
    expect(collectorSample(request, 'agent-1', 5_000)).toEqual({
      agentId: 'agent-1',
      at: 5_000,
      processStart: 1_700_000_000_000,
      temporality: 'cumulative',
      exporterSent: 900,
      exporterFailed: 100,
      receiverAccepted: 1000,
      receiverRefused: 5,
      processorIncoming: 2000,
      processorOutgoing: 1600,
      queueFill: 0.25,
      memoryRss: 52e6,
      cpuSeconds: null,
    });
  });

  it('reads the JSON mapping as OTLP/HTTP senders write it: camelCase keys, 64-bit integers as strings', () => {
    const body = JSON.stringify({
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'otelcol_exporter_sent_log_records_total', sum: { aggregationTemporality: 1, dataPoints: [{ asInt: '42', startTimeUnixNano: '1700000000000000000' }] } }] }] }],
    });
    const sample = collectorSample(decodeMetricsRequest(new TextEncoder().encode(body), 'json'), 'a', 1);
    expect(sample).toMatchObject({ exporterSent: 42, temporality: 'delta', processStart: 1_700_000_000_000 });
  });

  it.each([
    ['protobuf', Uint8Array.from([0x0a, 0xff, 0xff, 0xff])],
    ['json', new TextEncoder().encode('{"resourceMetrics": [')],
    ['json', new TextEncoder().encode('[1, 2]')],
    ['json', Uint8Array.from([0xff, 0xfe])],
  ] as const)('refuses a malformed %s body with a TelemetryError', (encoding, body) => {
    expect(() => decodeMetricsRequest(body, encoding)).toThrow(TelemetryError);
  });

  it('names the content types it takes', () => {
    expect(otlpEncodingOf('application/x-protobuf')).toBe('protobuf');
    expect(otlpEncodingOf('application/json; charset=utf-8')).toBe('json');
    expect(() => otlpEncodingOf('text/plain')).toThrow(/application\/x-protobuf or application\/json/);
  });
});

function sample(at: number, sent: number, failed: number, overrides: Partial<TelemetrySample> = {}): TelemetrySample {
  return {
    agentId: 'a',
    at,
    processStart: 100,
    temporality: 'cumulative',
    exporterSent: sent,
    exporterFailed: failed,
    receiverAccepted: sent + failed,
    receiverRefused: 0,
    processorIncoming: 0,
    processorOutgoing: 0,
    queueFill: null,
    memoryRss: 50e6,
    cpuSeconds: null,
    ...overrides,
  };
}

describe('window figures', () => {
  it('counts increases between the first and the last sample in the window', () => {
    const window = [sample(1_000, 100, 0), sample(2_000, 150, 10), sample(3_000, 200, 20), sample(9_000, 900, 20)];
    expect(windowFigures(window, 1_500, 5_000)).toMatchObject({ samples: 2, coveredMs: 1_000, exporterSent: 50, exporterFailed: 10 });
  });

  it('counts a restarted collector from zero: its counters start anew', () => {
    const window = [sample(1_000, 500, 0), sample(2_000, 600, 0), sample(3_000, 30, 5, { processStart: 2_500 }), sample(4_000, 80, 5, { processStart: 2_500, memoryRss: 60e6 })];
    expect(windowFigures(window, 0, 5_000)).toMatchObject({ samples: 4, exporterSent: 100 + 30 + 50, exporterFailed: 5, memoryFirst: 50e6, memoryLast: 60e6 });
  });

  it('adds up delta samples', () => {
    const window = [sample(1_000, 10, 0, { temporality: 'delta' }), sample(2_000, 10, 1, { temporality: 'delta' }), sample(3_000, 10, 1, { temporality: 'delta' })];
    expect(windowFigures(window, 0, 5_000)).toMatchObject({ exporterSent: 20, exporterFailed: 2 });
  });

  it('keeps a bounded window, in order of arrival', () => {
    let window: TelemetrySample[] = [];
    for (const at of [1, 2, 4, 3, 5]) window = appendSample(window, sample(at, at, 0), 3);
    expect(window.map((s) => s.at)).toEqual([3, 4, 5]);
  });
});
