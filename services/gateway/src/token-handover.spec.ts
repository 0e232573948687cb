import Long from 'long';
import { AgentCapability as Cap, AgentToServer, instanceUidToBytes, type AgentToServerInit } from '@roost/opamp';
import type { AgentRecord } from './agent-record';
import type { EnrolmentCredential } from './enrolment-check';
import { attachOffers, handleAgentMessage, type HandledMessage, type MessageContext, type MessageOutcome } from './handle-agent-message';
import { HANDOVER_RETRY_MS, handoverDue, handoverSettings, handoverUrls, type TokenHandoverSettings } from './token-handover';

const UID = '0190b7f8-bb85-72b5-8942-8533325b988a';
const NOW = 1_700_000_000_000;
const DAY = 86_400_000;
const caps = (...bits: number[]) => Long.fromNumber(bits.reduce((all, bit) => all | bit, Cap.ReportsStatus), true);
const ACCEPTING = caps(Cap.ReportsHeartbeat, Cap.AcceptsOpAMPConnectionSettings);
const group: EnrolmentCredential = { tokenId: '00000000000000aa', name: 'edge', scope: { kind: 'group', group: 'edge' }, issuedFrom: null, expiresAt: NOW + 30 * DAY };
const own: EnrolmentCredential = { tokenId: '00000000000000bb', name: 'edge (agent)', scope: { kind: 'agent', agentId: UID }, issuedFrom: '00000000000000aa', expiresAt: NOW + 30 * DAY };
const SETTINGS: TokenHandoverSettings = { ...handoverUrls('wss://opamp.example:4320/v1/opamp'), caCertPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', ttlMs: 30 * DAY };

const wire = (init: AgentToServerInit): AgentToServer => AgentToServer.decode(AgentToServer.encode({ instanceUid: instanceUidToBytes(UID), ...init }).finish());
const fullState = (capabilities: Long, sequence = 0): AgentToServerInit => ({
  sequenceNum: Long.fromNumber(sequence, true),
  capabilities,
  agentDescription: { identifyingAttributes: [{ key: 'service.environment', value: { stringValue: 'edge' } }] },
});
const context = (credential: EnrolmentCredential | null, overrides: Partial<MessageContext> = {}): MessageContext => ({
  now: NOW,
  gatewayId: 'gw-1',
  transport: 'websocket',
  newConnection: true,
  heartbeatIntervalSeconds: 30,
  redeliverAfterMs: 30_000,
  newInstanceUid: () => new Uint8Array(16),
  nextEventId: () => 'e',
  offerable: () => undefined,
  desired: { hash: null, revision: 0 },
  enrolment: credential === null ? null : { credential, standing: 'ok' },
  handoverTtlMs: 30 * DAY,
  ...overrides,
});
const handled = (outcome: MessageOutcome): HandledMessage => {
  if (outcome.kind !== 'handled') throw new Error(`expected handled, got ${outcome.kind}`);
  return outcome;
};

describe('token handover', () => {
  it('is due for an agent that connected with a group token and accepts OpAMP connection settings', () => {
    const outcome = handled(handleAgentMessage(undefined, wire(fullState(ACCEPTING)), context(group)));
    expect(outcome.handover).toBe('exchange');
  });

  it('is not due without the capability, without an enrolment token, under mTLS, or before the state is verified', () => {
    expect(handled(handleAgentMessage(undefined, wire(fullState(caps(Cap.ReportsHeartbeat))), context(group))).handover).toBeNull();
    expect(handled(handleAgentMessage(undefined, wire(fullState(ACCEPTING)), context(null))).handover).toBeNull();
    const certificate = { subject: 'a', subjectAltNames: [], issuer: 'ca', serialNumber: '01', fingerprintSha256: 'AA', notAfter: NOW + DAY };
    expect(handled(handleAgentMessage(undefined, wire(fullState(ACCEPTING)), context(group, { clientCertificate: certificate }))).handover).toBeNull();
    expect(handled(handleAgentMessage(undefined, wire({ sequenceNum: Long.fromNumber(5, true), capabilities: ACCEPTING }), context(group))).handover).toBeNull();
  });

  it('renews an agent\u2019s own token only in the last third of the handover lifetime', () => {
    const record = handled(handleAgentMessage(undefined, wire(fullState(ACCEPTING)), context(own))).record;
    expect(handoverDue(record, own, NOW, 30 * DAY)).toBeNull();
    expect(handoverDue(record, { ...own, expiresAt: NOW + 9 * DAY }, NOW, 30 * DAY)).toBe('renew');
  });

  it('is tried once an hour at most, and not while a handover is pending', () => {
    const record = handled(handleAgentMessage(undefined, wire(fullState(ACCEPTING)), context(group))).record;
    const tried: AgentRecord = { ...record, handoverTriedAt: NOW - HANDOVER_RETRY_MS + 1 };
    expect(handoverDue(tried, group, NOW, 30 * DAY)).toBeNull();
    expect(handoverDue({ ...record, handoverTriedAt: NOW - HANDOVER_RETRY_MS }, group, NOW, 30 * DAY)).toBe('exchange');
    const pending: AgentRecord = { ...record, handover: { tokenId: '00000000000000cc', settings: handoverSettings(SETTINGS, 'websocket', 'roost_et_x') } };
    expect(handoverDue(pending, group, NOW, 30 * DAY)).toBeNull();
  });

  it('offers a pending token whole (address for the transport, bearer, CA, heartbeat), once per connection, and forgets it on the next connection', () => {
    const record = handled(handleAgentMessage(undefined, wire(fullState(ACCEPTING)), context(group))).record;
    const pending: AgentRecord = { ...record, handover: { tokenId: '00000000000000cc', settings: handoverSettings(SETTINGS, 'http', 'roost_et_00000000000000cc_secret') } };
    const message = { instanceUid: instanceUidToBytes(UID) };
    const offered = attachOffers(pending, message, { now: NOW, redeliverAfterMs: 30_000, heartbeatIntervalSeconds: 30, offerable: () => undefined });
    expect(message).toMatchObject({
      connectionSettings: {
        opamp: {
          destinationEndpoint: 'https://opamp.example:4320/v1/opamp',
          headers: { headers: [{ key: 'Authorization', value: 'Bearer roost_et_00000000000000cc_secret' }] },
          certificate: { caCert: new TextEncoder().encode(SETTINGS.caCertPem ?? '') },
        },
      },
    });
    expect(message).toHaveProperty('connectionSettings.opamp.heartbeatIntervalSeconds');
    const again = { instanceUid: instanceUidToBytes(UID) };
    attachOffers(offered.record, again, { now: NOW, redeliverAfterMs: 30_000, heartbeatIntervalSeconds: 30, offerable: () => undefined });
    expect(again).not.toHaveProperty('connectionSettings');
    const reconnected = handled(handleAgentMessage(offered.record, wire(fullState(ACCEPTING, 1)), context(own)));
    expect(reconnected.record.handover).toBeNull();
  });

  it('derives both transports\u2019 addresses from the one given, and refuses another scheme', () => {
    expect(handoverUrls('ws://10.0.0.5:4320/v1/opamp')).toEqual({ websocketUrl: 'ws://10.0.0.5:4320/v1/opamp', httpUrl: 'http://10.0.0.5:4320/v1/opamp', secure: false });
    expect(handoverUrls('https://opamp.example/v1/opamp')).toMatchObject({ websocketUrl: 'wss://opamp.example/v1/opamp', secure: true });
    expect(() => handoverUrls('ftp://x/v1/opamp')).toThrow('must start with ws://, wss://, http:// or https://');
  });
});
