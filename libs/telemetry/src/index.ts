export { collectorMetricName, collectorSample } from './collector-sample';
export { decodeMetricsRequest, encodeMetricsRequest, encodeMetricsResponse, otlpEncodingOf, TelemetryError } from './metrics-request';
export type { OtlpEncoding, TelemetryErrorCode } from './metrics-request';
export { AggregationTemporality, ExportMetricsServiceRequest } from './otlp-types';
export type { ExportMetricsServiceRequestInit, Metric, NumberDataPoint, ResourceMetrics } from './otlp-types';
export { appendSample, windowFigures } from './window-figures';
