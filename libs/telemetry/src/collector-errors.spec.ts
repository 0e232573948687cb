import Long from 'long';
import { appendErrors, collectorErrors, decodeLogsRequest, encodeLogsRequest, errorsSince, isErrorRecord, type ExportLogsServiceRequestInit, type LogRecord } from './index';

const T0 = 1_700_000_000_000;
const nanos = (ms: number): Long => Long.fromNumber(ms, true).multiply(1_000_000);

function record(severityNumber: number, body: string, attributes: Record<string, string> = {}, severityText = ''): LogRecord {
  return { timeUnixNano: nanos(T0), severityNumber, severityText, body: { stringValue: body }, attributes: Object.entries(attributes).map(([key, stringValue]) => ({ key, value: { stringValue } })) };
}

/** An export as the collector's own logs arrive: one resource, one scope, records of every level. */
function exportOf(...records: LogRecord[]): ExportLogsServiceRequestInit {
  return { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otelcol-roost' } }] }, scopeLogs: [{ scope: { name: 'go.opentelemetry.io/collector/service' }, logRecords: records }] }] };
}

describe('collector error records (own logs)', () => {
  it('error level: severity number 17 and above, else the severity text when no number is given', () => {
    expect(isErrorRecord({ severityNumber: 17 })).toBe(true);
    expect(isErrorRecord({ severityNumber: 21, severityText: 'info' })).toBe(true);
    expect(isErrorRecord({ severityNumber: 13, severityText: 'error' })).toBe(false);
    expect(isErrorRecord({ severityNumber: 0, severityText: 'ERROR' })).toBe(true);
    expect(isErrorRecord({ severityText: 'fatal' })).toBe(true);
    expect(isErrorRecord({ severityText: 'warn' })).toBe(false);
    expect(isErrorRecord({})).toBe(false);
  });

  it.each(['protobuf', 'json'] as const)('picks the error-level records of an export (%s), with component and error attribute', (encoding) => {
    const body = encodeLogsRequest(
      exportOf(
        record(9, 'Starting otelcol-roost...'),
        record(17, 'Failed to start component', { error: 'listen tcp: address 99999: invalid port', 'otelcol.component.id': 'otlp', 'otelcol.component.kind': 'Receiver' }),
        record(13, 'a warning'),
        { severityText: 'error', body: { stringValue: 'no number, text says error' } },
        // as a v0.149.0 collector exports it
        record(17, 'Failed to start component', { error: 'listen tcp: address 99999: invalid port', type: 'Receiver', id: 'otlp', 'code.function.name': 'graph.(*Graph).StartAll' }, 'error'),
      ),
      encoding,
    );
    const errors = collectorErrors(decodeLogsRequest(body, encoding), 'agent-1', T0 + 5);
    expect(errors).toEqual({
      agentId: 'agent-1',
      at: T0 + 5,
      records: [
        { time: T0, severity: 'ERROR', text: 'receiver otlp: Failed to start component: listen tcp: address 99999: invalid port' },
        { time: 0, severity: 'ERROR', text: 'no number, text says error' },
        { time: T0, severity: 'ERROR', text: 'receiver otlp: Failed to start component: listen tcp: address 99999: invalid port' },
      ],
    });
  });

  it('an export without error-level records gives nothing to publish; a long text is cut; at most 16 records', () => {
    expect(collectorErrors(decodeLogsRequest(encodeLogsRequest(exportOf(record(9, 'Everything is ready.')), 'protobuf'), 'protobuf'), 'a', T0)).toBeNull();
    const many = collectorErrors(decodeLogsRequest(encodeLogsRequest(exportOf(...Array.from({ length: 20 }, (_, i) => record(17, `e${i} ${'x'.repeat(2000)}`))), 'protobuf'), 'protobuf'), 'a', T0);
    expect(many?.records).toHaveLength(16);
    expect(many?.records[0]?.text).toHaveLength(1000);
    expect(many?.records[0]?.text.endsWith('…')).toBe(true);
  });

  it('a body that is not a logs export is a TelemetryError', () => {
    expect(() => decodeLogsRequest(new TextEncoder().encode('[1]'), 'json')).toThrow('not an OTLP logs export (json)');
    expect(() => decodeLogsRequest(Uint8Array.of(0x0a, 0xff), 'protobuf')).toThrow('not an OTLP logs export (protobuf)');
  });

  describe('an agent ring of recent errors', () => {
    const message = (at: number, ...texts: string[]) => ({ agentId: 'a', at, records: texts.map((text) => ({ time: at, severity: 'ERROR', text })) });

    it('keeps the last `max` records in arrival order', () => {
      let ring = appendErrors([], message(1, 'a', 'b'), 3);
      ring = appendErrors(ring, message(2, 'c', 'd'), 3);
      expect(ring.map((r) => r.text)).toEqual(['b', 'c', 'd']);
      expect(ring.map((r) => r.receivedAt)).toEqual([1, 2, 2]);
    });

    it('since a time (the push): records received from then on, newest first, each text once', () => {
      let ring = appendErrors([], message(10, 'before the push'), 16);
      ring = appendErrors(ring, message(20, 'Exporting failed', 'bind failed'), 16);
      ring = appendErrors(ring, message(30, 'Exporting failed'), 16);
      expect(errorsSince(ring, 15).map((r) => [r.text, r.receivedAt])).toEqual([
        ['Exporting failed', 30],
        ['bind failed', 20],
      ]);
      expect(errorsSince(ring, 31)).toEqual([]);
    });
  });
});
