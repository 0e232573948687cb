import type { TelemetrySample } from '@roost/contracts';
import { AggregationTemporality, type ExportMetricsServiceRequest, type KeyValue, type Metric, type NumberDataPoint } from './otlp-types';

/**
 * The OpenTelemetry Collector's own metrics a data-plane gate reads, by name as the collector
 * sends them over OTLP (v0.149.0: `otelcol_exporter_sent_spans`, …; Prometheus adds `_total` to
 * counters, older releases lacked the `otelcol_` prefix: both are accepted). Items of every
 * signal (spans, metric points, log records, profile samples) count alike.
 */
type Counter = 'exporterSent' | 'exporterFailed' | 'receiverAccepted' | 'receiverRefused' | 'processorIncoming' | 'processorOutgoing';

const SIGNALS = ['spans', 'metric_points', 'log_records', 'profile_samples'] as const;
const COUNTERS: ReadonlyMap<string, Counter> = new Map([
  ...SIGNALS.map((signal) => [`exporter_sent_${signal}`, 'exporterSent'] as const),
  ...SIGNALS.map((signal) => [`exporter_send_failed_${signal}`, 'exporterFailed'] as const),
  // a full sending queue drops the items it could not take: failed too
  ...SIGNALS.map((signal) => [`exporter_enqueue_failed_${signal}`, 'exporterFailed'] as const),
  ...SIGNALS.map((signal) => [`receiver_accepted_${signal}`, 'receiverAccepted'] as const),
  ...SIGNALS.map((signal) => [`receiver_refused_${signal}`, 'receiverRefused'] as const),
  ...SIGNALS.map((signal) => [`receiver_failed_${signal}`, 'receiverRefused'] as const),
  ['processor_incoming_items', 'processorIncoming'],
  ['processor_outgoing_items', 'processorOutgoing'],
]);

/** `otelcol_exporter_sent_spans_total` → `exporter_sent_spans`. */
export function collectorMetricName(name: string): string {
  return name.replace(/^otelcol_/, '').replace(/_total$/, '');
}

const NO_RECORDED_VALUE = 1;
const NANOS_PER_MS = 1_000_000;

/**
 * Sums up one export of a collector's own metrics: every counter the gates read, added over its
 * attributes (all receivers, processors, exporters), the exporters' fullest queue, resident
 * memory and CPU time. Pure; `agentId` and `receivedAt` come from the receiver.
 */
export function collectorSample(request: ExportMetricsServiceRequest, agentId: string, receivedAt: number): TelemetrySample {
  const totals: Record<Counter, number> = { exporterSent: 0, exporterFailed: 0, receiverAccepted: 0, receiverRefused: 0, processorIncoming: 0, processorOutgoing: 0 };
  const queueSizes = new Map<string, number>();
  const queueCapacities = new Map<string, number>();
  let processStart = 0;
  let delta = false;
  let memoryRss: number | null = null;
  let cpuSeconds: number | null = null;
  for (const resource of request.resourceMetrics ?? []) {
    for (const scope of resource.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        const name = collectorMetricName(metric.name ?? '');
        const points = numberPoints(metric);
        const counter = COUNTERS.get(name);
        if (counter !== undefined) {
          if (metric.sum?.aggregationTemporality === AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA) delta = true;
          for (const point of points) {
            totals[counter] += valueOf(point);
            const start = nanosToMs(point.startTimeUnixNano);
            if (start > 0 && (processStart === 0 || start < processStart)) processStart = start;
          }
        } else if (name === 'exporter_queue_size' || name === 'exporter_queue_capacity') {
          const into = name === 'exporter_queue_size' ? queueSizes : queueCapacities;
          for (const point of points) into.set(attributeKey(point.attributes ?? []), valueOf(point));
        } else if (name === 'process_memory_rss' && points.length > 0) {
          memoryRss = points.reduce((sum, point) => sum + valueOf(point), 0);
        } else if (name === 'process_cpu_seconds' && points.length > 0) {
          cpuSeconds = points.reduce((sum, point) => sum + valueOf(point), 0);
        }
      }
    }
  }
  return { agentId, at: receivedAt, processStart, temporality: delta ? 'delta' : 'cumulative', ...totals, queueFill: fullestQueue(queueSizes, queueCapacities), memoryRss, cpuSeconds };
}

function numberPoints(metric: Metric): NumberDataPoint[] {
  const points = metric.sum?.dataPoints ?? metric.gauge?.dataPoints ?? [];
  return points.filter((point) => ((point.flags ?? 0) & NO_RECORDED_VALUE) === 0);
}

function valueOf(point: NumberDataPoint): number {
  const value = point.asInt ?? point.asDouble ?? 0;
  const number = typeof value === 'number' ? value : Number(value.toString());
  return Number.isFinite(number) ? number : 0;
}

function nanosToMs(value: NumberDataPoint['startTimeUnixNano']): number {
  if (value === null || value === undefined) return 0;
  const nanos = typeof value === 'number' ? value : Number(value.toString());
  return Number.isFinite(nanos) ? Math.floor(nanos / NANOS_PER_MS) : 0;
}

/** Highest size ÷ capacity over the queues reported with both (one per exporter and signal). */
function fullestQueue(sizes: ReadonlyMap<string, number>, capacities: ReadonlyMap<string, number>): number | null {
  let fullest: number | null = null;
  for (const [key, size] of sizes) {
    const capacity = capacities.get(key);
    if (capacity === undefined || capacity <= 0) continue;
    fullest = Math.max(fullest ?? 0, size / capacity);
  }
  return fullest;
}

function attributeKey(attributes: readonly KeyValue[]): string {
  return attributes
    .map((kv) => `${kv.key ?? ''}=${kv.value?.stringValue ?? String(kv.value?.intValue ?? kv.value?.boolValue ?? '')}`)
    .sort()
    .join(',');
}
