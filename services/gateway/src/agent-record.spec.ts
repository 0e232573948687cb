import Long from 'long';
import { AgentToServer, instanceUidToBytes } from '@roost/opamp';
import { afterSupersededReports, latestDesired, type AgentRecord } from './agent-record';
import { handleAgentMessage, type MessageContext } from './handle-agent-message';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const holding = (desiredHash: string | null | undefined, desiredRevision: number): AgentRecord => ({ desiredHash, desiredRevision }) as AgentRecord;

describe('latestDesired', () => {
  it('takes the first entry seen, even "no entry"', () => {
    expect(latestDesired(undefined, { hash: A, revision: 3 })).toEqual({ desiredHash: A, desiredRevision: 3 });
    expect(latestDesired(holding(undefined, 0), { hash: null, revision: 0 })).toEqual({ desiredHash: null, desiredRevision: 0 });
  });

  it('keeps what it holds when nothing new is seen', () => {
    expect(latestDesired(holding(A, 3), undefined)).toEqual({ desiredHash: A, desiredRevision: 3 });
    expect(latestDesired(undefined, undefined)).toEqual({ desiredHash: undefined, desiredRevision: 0 });
  });

  it('takes a newer revision and the same one again, and ignores an older one whatever order they came in', () => {
    expect(latestDesired(holding(A, 3), { hash: B, revision: 5 })).toEqual({ desiredHash: B, desiredRevision: 5 });
    expect(latestDesired(holding(B, 5), { hash: B, revision: 5 })).toEqual({ desiredHash: B, desiredRevision: 5 });
    expect(latestDesired(holding(B, 5), { hash: A, revision: 3 })).toEqual({ desiredHash: B, desiredRevision: 5 });
  });

  it('does not let a read that found no entry undo a known one', () => {
    expect(latestDesired(holding(A, 3), { hash: null, revision: 0 })).toEqual({ desiredHash: A, desiredRevision: 3 });
  });
});

describe('afterSupersededReports', () => {
  const UID = '0190b7f8-bb85-72b5-8942-8533325b988a';
  const ctx: MessageContext = {
    now: 1_000,
    gatewayId: 'gw-1',
    transport: 'websocket',
    newConnection: false,
    heartbeatIntervalSeconds: 0,
    redeliverAfterMs: 30_000,
    newInstanceUid: () => instanceUidToBytes(UID),
    nextEventId: () => 'e1',
    offerable: () => undefined,
  };
  const message = (sequenceNum: number, extra: object = {}) =>
    AgentToServer.decode(AgentToServer.encode({ instanceUid: instanceUidToBytes(UID), sequenceNum: Long.fromNumber(sequenceNum, true), capabilities: Long.fromNumber(1, true), ...extra }).finish());
  const handled = (record: AgentRecord | undefined, m: AgentToServer, c: MessageContext) => {
    const outcome = handleAgentMessage(record, m, c);
    if (outcome.kind !== 'handled') throw new Error(outcome.kind);
    return outcome;
  };
  const agent = handled(undefined, message(4, { agentDescription: { identifyingAttributes: [{ key: 'service.name', value: { stringValue: 'c' } }] } }), { ...ctx, newConnection: true, desired: { hash: null, revision: 0 } }).record;

  it('lets the report that superseded two others follow them without a gap: no full state asked for, nothing said', () => {
    const outcome = handled(afterSupersededReports(agent, 2), message(7, { health: { healthy: true } }), ctx);
    expect(outcome.response.flags ?? 0).toBe(0);
    expect(outcome.record.state.verified).toBe(true);
    expect(outcome.event?.type).toBe('health');
  });

  it('still sees the gap before the superseded reports', () => {
    const outcome = handled(afterSupersededReports(agent, 2), message(8), ctx);
    expect(outcome.response.flags ?? 0).not.toBe(0);
  });

  it('changes nothing when nothing was superseded', () => {
    expect(afterSupersededReports(agent, 0)).toBe(agent);
  });
});
