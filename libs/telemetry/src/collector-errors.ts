import { MAX_COLLECTOR_ERROR_TEXT, MAX_COLLECTOR_ERRORS_PER_MESSAGE, type CollectorErrorRecord, type CollectorErrors } from '@roost/contracts';
import Long from 'long';
import { SeverityNumber, type AnyValue, type ExportLogsServiceRequest, type KeyValue, type LogRecord } from './otlp-types';

const NANOS_PER_MS = 1_000_000;
/** Severity texts that mean error or worse when a record has no severity number (zap's, slog's, syslog's). */
const ERROR_TEXTS = new Set(['error', 'fatal', 'panic', 'dpanic', 'critical', 'crit', 'alert', 'emergency', 'emerg']);

/** Error or worse: severity number ≥ ERROR (17), or, with no number, a severity text that says so. */
export function isErrorRecord(record: Pick<LogRecord, 'severityNumber' | 'severityText'>): boolean {
  const number = record.severityNumber ?? 0;
  if (number !== SeverityNumber.SEVERITY_NUMBER_UNSPECIFIED) return number >= SeverityNumber.SEVERITY_NUMBER_ERROR;
  return ERROR_TEXTS.has((record.severityText ?? '').trim().toLowerCase());
}

/**
 * The error-level records of one export of an agent's own logs, in the order sent, at most
 * MAX_COLLECTOR_ERRORS_PER_MESSAGE; null when it has none. Pure; `receivedAt` comes from the receiver.
 */
export function collectorErrors(request: ExportLogsServiceRequest, agentId: string, receivedAt: number): CollectorErrors | null {
  const records: CollectorErrorRecord[] = [];
  for (const resource of request.resourceLogs) {
    for (const scope of resource.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) {
        if (!isErrorRecord(record)) continue;
        records.push(errorRecord(record));
        if (records.length === MAX_COLLECTOR_ERRORS_PER_MESSAGE) return { agentId, at: receivedAt, records };
      }
    }
  }
  return records.length === 0 ? null : { agentId, at: receivedAt, records };
}

/**
 * What a person reads of a record: the collector's component when the record names one, the body
 * (the logger's message), and its `error` attribute (zap's `zap.Error`, which carries the cause).
 * A v0.149.0 collector that cannot bind a receiver's port exports body `Failed to start component`
 * with attributes `error: listen tcp: address 99999: invalid port`, `type: Receiver`, `id: otlp`:
 * `receiver otlp: Failed to start component: listen tcp: address 99999: invalid port`. Newer
 * releases name the component `otelcol.component.kind` / `otelcol.component.id`.
 */
function errorRecord(record: LogRecord): CollectorErrorRecord {
  const attributes = new Map((record.attributes ?? []).map((attribute: KeyValue) => [attribute.key ?? '', attribute.value ?? null]));
  const kind = textOf(attributes.get('otelcol.component.kind') ?? attributes.get('type') ?? null);
  const id = textOf(attributes.get('otelcol.component.id') ?? attributes.get('id') ?? null);
  const component = id === '' ? '' : `${kind === '' ? '' : `${kind.toLowerCase()} `}${id}: `;
  const body = textOf(record.body ?? null);
  const error = textOf(attributes.get('error') ?? null);
  const message = [body, error].filter((part) => part !== '').join(': ');
  const number = record.severityNumber ?? 0;
  const severity = number >= SeverityNumber.SEVERITY_NUMBER_FATAL ? 'FATAL' : number >= SeverityNumber.SEVERITY_NUMBER_ERROR ? 'ERROR' : (record.severityText ?? '').toUpperCase();
  return { time: millisOf(record.timeUnixNano) || millisOf(record.observedTimeUnixNano), severity, text: cut(`${component}${message}`) };
}

function textOf(value: AnyValue | null): string {
  if (value === null) return '';
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (value.boolValue !== undefined && value.boolValue !== null) return String(value.boolValue);
  if (value.intValue !== undefined && value.intValue !== null) return String(value.intValue);
  if (value.doubleValue !== undefined && value.doubleValue !== null) return String(value.doubleValue);
  if (value.arrayValue) return `[${(value.arrayValue.values ?? []).map((item) => textOf(item)).join(', ')}]`;
  if (value.kvlistValue) return `{${(value.kvlistValue.values ?? []).map((item) => `${item.key ?? ''}: ${textOf(item.value ?? null)}`).join(', ')}}`;
  return '';
}

function millisOf(nanos: Long | number | null | undefined): number {
  if (nanos === null || nanos === undefined) return 0;
  return Math.floor(Long.fromValue(nanos).toNumber() / NANOS_PER_MS);
}

function cut(text: string): string {
  return text.length <= MAX_COLLECTOR_ERROR_TEXT ? text : `${text.slice(0, MAX_COLLECTOR_ERROR_TEXT - 1)}…`;
}

/** A record as an agent's ring keeps it: when the gateway received it, and the record. */
export interface ReceivedError extends CollectorErrorRecord {
  readonly receivedAt: number;
}

/** Appends one message's records to an agent's recent errors, oldest dropped beyond `max`. Pure. */
export function appendErrors(ring: readonly ReceivedError[], message: CollectorErrors, max: number): ReceivedError[] {
  const next = [...ring, ...message.records.map((record) => ({ ...record, receivedAt: message.at }))];
  return next.length > max ? next.slice(next.length - max) : next;
}

/**
 * The records received from `from` on (server clock), newest first, each text once (its latest):
 * a crash's own error is the last a collector logs, after anything its previous run logged.
 */
export function errorsSince(ring: readonly ReceivedError[], from: number): ReceivedError[] {
  const seen = new Set<string>();
  const latest: ReceivedError[] = [];
  for (let i = ring.length - 1; i >= 0; i -= 1) {
    const record = ring[i] as ReceivedError;
    if (record.receivedAt < from || seen.has(record.text)) continue;
    seen.add(record.text);
    latest.push(record);
  }
  return latest;
}
