import { RemoteConfigStatuses, encodeAgentToServer, encodeWsFrame, type AgentToServerInit } from '@roost/opamp';
import Long from 'long';
import { readStatusOnlyReport, supersedes, type StatusOnlyReport } from './superseded-reports';

const UID = new Uint8Array(16).fill(7);
const OTHER_UID = new Uint8Array(16).fill(8);
const limit = { maxMessageBytes: 1 << 20 };

function frame(message: AgentToServerInit): Uint8Array {
  return encodeWsFrame(encodeAgentToServer(message, limit));
}

function healthReport(seq: number, statusTimeMs: number, overrides: Partial<AgentToServerInit> = {}): Uint8Array {
  return frame({
    instanceUid: UID,
    sequenceNum: Long.fromNumber(seq, true),
    capabilities: Long.fromNumber(0x1fff, true),
    health: { healthy: true, status: 'ok', startTimeUnixNano: Long.fromNumber(1_000, true), statusTimeUnixNano: Long.fromNumber(statusTimeMs * 1e6, true) },
    ...overrides,
  });
}

function report(bytes: Uint8Array): StatusOnlyReport {
  const read = readStatusOnlyReport(bytes);
  if (read === null) throw new Error('not a status-only report');
  return read;
}

describe('superseded reports', () => {
  it('lets a consecutive health report that changes only the status time supersede the queued one', () => {
    expect(supersedes(report(healthReport(5, 1_000)), report(healthReport(6, 2_000)))).toBe(true);
  });

  it('keeps a report whose health says something else (a verdict, a status, an error)', () => {
    const older = report(healthReport(5, 1_000));
    expect(supersedes(older, report(healthReport(6, 2_000, { health: { healthy: false, status: 'ok' } })))).toBe(false);
    expect(supersedes(older, report(healthReport(6, 2_000, { health: { healthy: true, status: 'degraded' } })))).toBe(false);
    expect(supersedes(older, report(healthReport(6, 2_000, { health: { healthy: true, status: 'ok', lastError: 'boom' } })))).toBe(false);
  });

  it('keeps a report that is not the one just before, or of another agent, or with other capabilities', () => {
    const older = report(healthReport(5, 1_000));
    expect(supersedes(older, report(healthReport(7, 2_000)))).toBe(false);
    expect(supersedes(older, report(healthReport(6, 2_000, { instanceUid: OTHER_UID })))).toBe(false);
    expect(supersedes(older, report(healthReport(6, 2_000, { capabilities: Long.fromNumber(0x3, true) })))).toBe(false);
  });

  it('treats a heartbeat without health like a health report that changes nothing', () => {
    const heartbeat = (seq: number) => report(frame({ instanceUid: UID, sequenceNum: Long.fromNumber(seq, true), capabilities: Long.fromNumber(0x1fff, true) }));
    expect(supersedes(heartbeat(1), heartbeat(2))).toBe(true);
    expect(supersedes(heartbeat(1), report(healthReport(2, 1_000)))).toBe(false);
  });

  it('never reads a report that carries more than status as status-only: config status, effective config, description, disconnect, flags', () => {
    const carrying: Partial<AgentToServerInit>[] = [
      { remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(32), status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED } },
      { effectiveConfig: { configMap: { configMap: { '': { body: new Uint8Array([1]), contentType: 'text/yaml' } } } } },
      { agentDescription: { identifyingAttributes: [{ key: 'service.name', value: { stringValue: 'c' } }] } },
      { agentDisconnect: {} },
      { flags: Long.fromNumber(1, true) },
    ];
    for (const extra of carrying) expect(readStatusOnlyReport(healthReport(6, 2_000, extra))).toBeNull();
  });

  it('reads nothing from a malformed frame or one with a non-zero header', () => {
    const good = healthReport(6, 2_000);
    expect(readStatusOnlyReport(good.subarray(0, good.length - 3))).toBeNull();
    expect(readStatusOnlyReport(Uint8Array.from([1, ...good.subarray(1)]))).toBeNull();
  });
});
