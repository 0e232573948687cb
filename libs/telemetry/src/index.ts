export { appendErrors, collectorErrors, errorsSince, isErrorRecord } from './collector-errors';
export type { ReceivedError } from './collector-errors';
export { collectorMetricName, collectorSample } from './collector-sample';
export { decodeLogsRequest, decodeMetricsRequest, encodeLogsRequest, encodeLogsResponse, encodeMetricsRequest, encodeMetricsResponse, otlpEncodingOf, TelemetryError } from './otlp-request';
export type { OtlpEncoding, TelemetryErrorCode } from './otlp-request';
export { AggregationTemporality, ExportLogsServiceRequest, ExportMetricsServiceRequest, SeverityNumber } from './otlp-types';
export type { ExportLogsServiceRequestInit, ExportMetricsServiceRequestInit, LogRecord, Metric, NumberDataPoint, ResourceMetrics } from './otlp-types';
export { appendSample, windowFigures } from './window-figures';
