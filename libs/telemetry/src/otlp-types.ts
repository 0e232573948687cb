// The OTLP metrics and logs protobuf types under short names. Generated code lives in ./generated
// (never hand-edited; `npm run proto:gen`). 64-bit integer fields are Long values.
import { opentelemetry } from './generated/otlp';

const metrics = opentelemetry.proto.metrics.v1;
const service = opentelemetry.proto.collector.metrics.v1;
const logsService = opentelemetry.proto.collector.logs.v1;

export const ExportMetricsServiceRequest = service.ExportMetricsServiceRequest;
export type ExportMetricsServiceRequest = opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
export type ExportMetricsServiceRequestInit = opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.$Properties;
export const ExportMetricsServiceResponse = service.ExportMetricsServiceResponse;
export type ExportMetricsServiceResponseInit = opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse.$Properties;
export type ResourceMetrics = opentelemetry.proto.metrics.v1.ResourceMetrics.$Properties;
export type Metric = opentelemetry.proto.metrics.v1.Metric.$Properties;
export type NumberDataPoint = opentelemetry.proto.metrics.v1.NumberDataPoint.$Properties;
export type KeyValue = opentelemetry.proto.common.v1.KeyValue.$Properties;
export type AnyValue = opentelemetry.proto.common.v1.AnyValue.$Properties;
export const AggregationTemporality = metrics.AggregationTemporality;

export const ExportLogsServiceRequest = logsService.ExportLogsServiceRequest;
export type ExportLogsServiceRequest = opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
export type ExportLogsServiceRequestInit = opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.$Properties;
export const ExportLogsServiceResponse = logsService.ExportLogsServiceResponse;
export type LogRecord = opentelemetry.proto.logs.v1.LogRecord.$Properties;
export const SeverityNumber = opentelemetry.proto.logs.v1.SeverityNumber;
