import Long from 'long';
import {
  AgentCapability as Cap,
  AgentToServer,
  AgentToServerFlag,
  RemoteConfigStatuses,
  ServerCapability,
  ServerErrorResponseType,
  ServerToAgentFlag,
  hasBits,
  instanceUidToBytes,
  type AgentToServerInit,
} from '@roost/opamp';
import type { AgentRecord } from './agent-record';
import type { OfferableConfig } from './config-source';
import { handleAgentMessage, type HandledMessage, type MessageContext, type MessageOutcome } from './handle-agent-message';

const UID = '0190b7f8-bb85-72b5-8942-8533325b988a';
const NEW_UID = '0190b7f8-bb85-72b5-8942-000000000001';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

const configs: Record<string, OfferableConfig> = Object.fromEntries(
  [HASH_A, HASH_B].map((hash) => [
    hash,
    {
      hashHex: hash,
      remoteConfig: { config: { configMap: { '': { body: new TextEncoder().encode(`# ${hash}`), contentType: 'text/yaml' } } }, configHash: Buffer.from(hash, 'hex') },
      bodyBytes: 66,
    },
  ]),
);

const seq = (n: number) => Long.fromNumber(n, true);
const caps = (...bits: number[]) => Long.fromNumber(bits.reduce((all, bit) => all | bit, Cap.ReportsStatus), true);
const FULL_CAPS = caps(Cap.AcceptsRemoteConfig, Cap.ReportsRemoteConfig, Cap.ReportsHeartbeat);
const description = { identifyingAttributes: [{ key: 'service.name', value: { stringValue: 'otelcol' } }] };
const status = (hash: string, state: RemoteConfigStatuses, errorMessage = '') => ({ lastRemoteConfigHash: Buffer.from(hash, 'hex'), status: state, errorMessage });
const APPLIED = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;
const FAILED = RemoteConfigStatuses.RemoteConfigStatuses_FAILED;
const effective = (yaml: string) => ({ configMap: { configMap: { '': { body: Buffer.from(yaml), contentType: 'text/yaml' } } } });

/** Over the wire and back, as the gateway sees it. */
function wire(init: AgentToServerInit): AgentToServer {
  return AgentToServer.decode(AgentToServer.encode({ instanceUid: instanceUidToBytes(UID), ...init }).finish());
}

function context(overrides: Partial<MessageContext> = {}): MessageContext {
  let ids = 0;
  return {
    now: 1_000,
    gatewayId: 'gw-1',
    transport: 'websocket',
    newConnection: false,
    heartbeatIntervalSeconds: 30,
    redeliverAfterMs: 30_000,
    newInstanceUid: () => instanceUidToBytes(NEW_UID),
    nextEventId: () => `e${++ids}`,
    offerable: (hash) => configs[hash],
    ...overrides,
  };
}

function handled(outcome: MessageOutcome): HandledMessage {
  if (outcome.kind !== 'handled') throw new Error(`expected a handled message, got ${outcome.kind}: ${outcome.reason}`);
  return outcome;
}

/** An agent that connected with full state, has `desired` as its desired config and reported `reported`. */
function connectedAgent(desired: string | null, init: AgentToServerInit = {}): AgentRecord {
  return handled(
    handleAgentMessage(
      undefined,
      wire({ sequenceNum: seq(0), capabilities: FULL_CAPS, agentDescription: description, remoteConfigStatus: status(desired ?? '', APPLIED), ...init }),
      context({ newConnection: true, desired: { hash: desired, revision: desired === null ? 0 : 1 }, heartbeatIntervalSeconds: 0 }),
    ),
  ).record;
}

describe('handleAgentMessage: every reply', () => {
  it('echoes the instance uid and always sets the server capabilities', () => {
    const outcome = handled(handleAgentMessage(undefined, wire({ sequenceNum: seq(7), capabilities: caps(), agentDescription: description }), context({ newConnection: true })));
    expect(Buffer.from(outcome.response.instanceUid!)).toEqual(Buffer.from(instanceUidToBytes(UID)));
    expect(hasBits(outcome.response.capabilities, ServerCapability.AcceptsStatus)).toBe(true);
    expect(hasBits(outcome.response.capabilities, ServerCapability.OffersRemoteConfig)).toBe(true);
    expect(outcome.record).toMatchObject({ agentId: UID, connected: true, connection: 1 });
  });

  it.each([
    ['5 bytes', Uint8Array.of(1, 2, 3, 4, 5)],
    ['empty', new Uint8Array(0)],
    ['26 bytes that are not a ULID', new Uint8Array(26).fill(0xff)],
  ])('answers an instance uid of %s with BadRequest and nothing else', (_name, uid) => {
    const message = AgentToServer.decode(AgentToServer.encode({ instanceUid: uid, sequenceNum: seq(1), capabilities: FULL_CAPS }).finish());
    const outcome = handleAgentMessage(undefined, message, context());
    if (outcome.kind !== 'rejected') throw new Error(`expected rejected, got ${outcome.kind}`);
    expect(outcome.response.errorResponse?.type).toBe(ServerErrorResponseType.ServerErrorResponseType_BadRequest);
    expect(outcome.response.remoteConfig).toBeUndefined();
    expect(Buffer.from(outcome.response.instanceUid!)).toEqual(Buffer.from(uid));
  });

  it('accepts a legacy 26-character ULID uid and keys the agent by its text', () => {
    const ulid = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const message = AgentToServer.decode(AgentToServer.encode({ instanceUid: Buffer.from(ulid), capabilities: caps(), agentDescription: description }).finish());
    expect(handled(handleAgentMessage(undefined, message, context({ newConnection: true }))).record.agentId).toBe(ulid);
  });
});

describe('handleAgentMessage: status compression', () => {
  it('asks an unknown agent that sent compressed status for full state, and does not ask again', () => {
    const first = handled(handleAgentMessage(undefined, wire({ sequenceNum: seq(41), capabilities: FULL_CAPS }), context({ newConnection: true })));
    expect(hasBits(first.response.flags, ServerToAgentFlag.ReportFullState)).toBe(true);
    // an agent that answers with compressed status again (a broken one) is not asked in a loop
    const second = handled(handleAgentMessage(first.record, wire({ sequenceNum: seq(42), capabilities: FULL_CAPS }), context()));
    expect(hasBits(second.response.flags, ServerToAgentFlag.ReportFullState)).toBe(false);
    const third = handled(handleAgentMessage(second.record, wire({ sequenceNum: seq(43), capabilities: FULL_CAPS }), context()));
    expect(hasBits(third.response.flags, ServerToAgentFlag.ReportFullState)).toBe(false);
  });

  it('does not ask a new agent whose first message carries full state, whatever its sequence number', () => {
    const outcome = handled(
      handleAgentMessage(undefined, wire({ sequenceNum: seq(1), capabilities: FULL_CAPS, agentDescription: description, remoteConfigStatus: {} }), context({ newConnection: true })),
    );
    expect(outcome.response.flags ?? 0).toBe(0);
  });

  it('after a sequence gap asks for full state, and says nothing and offers nothing until it has it', () => {
    // the agent applied HASH_B through another gateway: this one still holds HASH_A as reported
    const known = { ...connectedAgent(HASH_A), desiredHash: HASH_A, desiredRevision: 1 };
    const stale = handled(handleAgentMessage(known, wire({ sequenceNum: seq(9), capabilities: FULL_CAPS, health: { healthy: true } }), context({ desired: { hash: HASH_B, revision: 2 } })));
    expect(hasBits(stale.response.flags, ServerToAgentFlag.ReportFullState)).toBe(true);
    expect(stale.event).toBeNull();
    expect(stale.response.remoteConfig).toBeUndefined();
    // the full state answers: the health change and the new hash are said, and nothing is offered
    const full = handled(
      handleAgentMessage(stale.record, wire({ sequenceNum: seq(10), capabilities: FULL_CAPS, agentDescription: description, remoteConfigStatus: status(HASH_B, APPLIED), health: { healthy: true } }), context()),
    );
    expect(full.event).toMatchObject({ changes: ['health', 'remote-config-status'] });
    expect(full.response.remoteConfig).toBeUndefined();
  });

  it('announces a connection only once its state is verified', () => {
    const asked = handled(handleAgentMessage(undefined, wire({ sequenceNum: seq(4), capabilities: FULL_CAPS }), context({ newConnection: true, desired: { hash: HASH_A, revision: 1 } })));
    expect(asked.event).toBeNull();
    expect(asked.response.remoteConfig).toBeUndefined();
    const answered = handled(handleAgentMessage(asked.record, wire({ sequenceNum: seq(5), capabilities: FULL_CAPS, agentDescription: description, remoteConfigStatus: status('', APPLIED) }), context()));
    expect(answered.event).toMatchObject({ type: 'connected', changes: ['connected'], snapshot: { identifying: { 'service.name': 'otelcol' } } });
    expect(answered.response.remoteConfig).toBeDefined();
    const next = handled(handleAgentMessage(answered.record, wire({ sequenceNum: seq(6), capabilities: FULL_CAPS }), context()));
    expect(next.event).toBeNull();
  });

  it('publishes nothing for a heartbeat and one event naming every changed part otherwise', () => {
    const known = connectedAgent(null);
    const heartbeat = handled(handleAgentMessage(known, wire({ sequenceNum: seq(1), capabilities: FULL_CAPS }), context()));
    expect(heartbeat.event).toBeNull();
    const changed = handled(
      handleAgentMessage(
        heartbeat.record,
        wire({ sequenceNum: seq(2), capabilities: FULL_CAPS, agentDescription: { identifyingAttributes: [{ key: 'service.name', value: { stringValue: 'other' } }] } }),
        context({ now: 5_000 }),
      ),
    );
    expect(changed.event).toMatchObject({
      type: 'description',
      changes: ['description'],
      agentId: UID,
      at: 5_000,
      schemaVersion: 1,
      snapshot: { agentId: UID, gatewayId: 'gw-1', transport: 'websocket', connected: true, identifying: { 'service.name': 'other' } },
    });
  });

  it('reports APPLIED with its new effective config as one event naming both', () => {
    const known = connectedAgent(HASH_B, { remoteConfigStatus: status(HASH_A, APPLIED) });
    const applied = handled(
      handleAgentMessage(
        known,
        wire({ sequenceNum: seq(1), capabilities: FULL_CAPS, remoteConfigStatus: status(HASH_B, APPLIED), effectiveConfig: effective('receivers: {}') }),
        context(),
      ),
    );
    expect(applied.event).toMatchObject({ type: 'remote-config-status', changes: ['remote-config-status', 'effective-config'], snapshot: { remoteConfigStatus: { status: 'APPLIED' } } });
  });

  it('makes a goodbye that also reports FAILED one disconnected event with both changes', () => {
    const known = connectedAgent(HASH_B);
    const goodbye = handled(
      handleAgentMessage(known, wire({ sequenceNum: seq(1), capabilities: FULL_CAPS, remoteConfigStatus: status(HASH_B, FAILED, 'bad pipeline'), agentDisconnect: {} }), context()),
    );
    expect(goodbye.event).toMatchObject({ type: 'disconnected', changes: ['disconnected', 'remote-config-status'], snapshot: { connected: false, remoteConfigStatus: { status: 'FAILED' } } });
  });

  it('says connected (one event, full snapshot) when a message opens a new connection', () => {
    const known = connectedAgent(null);
    const reconnect = handled(handleAgentMessage(known, wire({ sequenceNum: seq(1), capabilities: FULL_CAPS, health: { healthy: true } }), context({ newConnection: true, now: 9 })));
    expect(reconnect.event).toMatchObject({ type: 'connected', changes: ['connected'] });
    expect(reconnect.event!.snapshot.health).toEqual({ healthy: true, lastError: '', status: '', reportedAt: 9, componentErrors: [] });
    expect(reconnect.record.connection).toBe(known.connection + 1);
  });
});

describe('handleAgentMessage: identity and disconnect', () => {
  it('gives a new UUIDv7 on RequestInstanceUid, answers on the old uid and re-keys the record', () => {
    const outcome = handled(
      handleAgentMessage(
        undefined,
        wire({ sequenceNum: seq(0), capabilities: FULL_CAPS, agentDescription: description, remoteConfigStatus: {}, flags: seq(AgentToServerFlag.RequestInstanceUid) }),
        context({ newConnection: true, desired: { hash: HASH_A, revision: 1 } }),
      ),
    );
    expect(Buffer.from(outcome.response.agentIdentification!.newInstanceUid!)).toEqual(Buffer.from(instanceUidToBytes(NEW_UID)));
    expect(Buffer.from(outcome.response.instanceUid!)).toEqual(Buffer.from(instanceUidToBytes(UID)));
    expect(outcome.previousAgentId).toBe(UID);
    expect(outcome.record.agentId).toBe(NEW_UID);
    // the orchestrator cannot have a desired config for an id it never saw
    expect(outcome.record.desiredHash).toBeNull();
    expect(outcome.event).toMatchObject({ type: 'connected', agentId: NEW_UID });
  });

  it('keys a duplicate under the uid it is assigned, leaves the claimed uid alone, and keeps assigning it until adopted', () => {
    const assigned = instanceUidToBytes(NEW_UID);
    const full = { sequenceNum: seq(0), capabilities: FULL_CAPS, agentDescription: description, remoteConfigStatus: status('', APPLIED) };
    // the claimed uid's desired config was read for the newcomer: it is not the new uid's
    const first = handled(handleAgentMessage(undefined, wire(full), context({ newConnection: true, desired: { hash: HASH_A, revision: 1 }, reassignTo: assigned })));
    expect(Buffer.from(first.response.agentIdentification!.newInstanceUid!)).toEqual(Buffer.from(assigned));
    expect(Buffer.from(first.response.instanceUid!)).toEqual(Buffer.from(instanceUidToBytes(UID)));
    expect(first.previousAgentId).toBeNull();
    expect(first.record.agentId).toBe(NEW_UID);
    expect(first.record.desiredHash).toBeNull();
    expect(first.response.remoteConfig).toBeUndefined();
    expect(first.event).toMatchObject({ type: 'connected', agentId: NEW_UID });

    // still on the old uid (not adopted yet): same assignment, no new connection, desired kept
    const withDesired = { ...first.record, desiredHash: HASH_B };
    const again = handled(handleAgentMessage(withDesired, wire({ sequenceNum: seq(1), capabilities: FULL_CAPS }), context({ reassignTo: assigned })));
    expect(Buffer.from(again.response.agentIdentification!.newInstanceUid!)).toEqual(Buffer.from(assigned));
    expect(again.record.desiredHash).toBe(HASH_B);
    expect(again.response.remoteConfig).toBe(configs[HASH_B]!.remoteConfig);
    expect(again.event).toBeNull();
  });

  it('marks an agent that sends agent_disconnect as gone, with one event and no offers', () => {
    const known = connectedAgent(HASH_B);
    const outcome = handled(handleAgentMessage(known, wire({ sequenceNum: seq(1), capabilities: FULL_CAPS, agentDisconnect: {} }), context({ heartbeatIntervalSeconds: 30 })));
    expect(outcome.disconnect).toBe(true);
    expect(outcome.record.connected).toBe(false);
    expect(outcome.event).toMatchObject({ type: 'disconnected', changes: ['disconnected'], snapshot: { connected: false } });
    expect(outcome.response.remoteConfig).toBeUndefined();
    expect(outcome.response.connectionSettings).toBeUndefined();
  });
});

describe('handleAgentMessage: available components', () => {
  const full = { sequenceNum: seq(0), capabilities: caps(Cap.ReportsAvailableComponents), agentDescription: description };
  const list = { receivers: { subComponentMap: { otlp: {} } }, processors: { subComponentMap: { batch: {} } } };

  it('asks for the list of an agent that names its components by hash alone, and says what it can run once it answers', () => {
    const first = handled(handleAgentMessage(undefined, wire({ ...full, availableComponents: { hash: Buffer.from('c1') } }), context({ newConnection: true })));
    expect(hasBits(first.response.flags, ServerToAgentFlag.ReportAvailableComponents)).toBe(true);
    expect(first.event?.snapshot.availableComponents).toBeNull();

    const answer = handled(handleAgentMessage(first.record, wire({ sequenceNum: seq(1), availableComponents: { hash: Buffer.from('c1'), components: list } }), context()));
    expect(hasBits(answer.response.flags, ServerToAgentFlag.ReportAvailableComponents)).toBe(false);
    expect(answer.event).toMatchObject({ changes: ['description'], snapshot: { availableComponents: ['processors/batch', 'receivers/otlp'] } });

    const same = handled(handleAgentMessage(answer.record, wire({ sequenceNum: seq(2), availableComponents: { hash: Buffer.from('c1') } }), context()));
    expect(hasBits(same.response.flags, ServerToAgentFlag.ReportAvailableComponents)).toBe(false);
    expect(same.event).toBeNull();
  });
});

describe('handleAgentMessage: enrolment tokens', () => {
  const groupToken = { tokenId: '0123456789abcdef', name: 'edge', scope: { kind: 'group', group: 'edge' }, issuedFrom: null, expiresAt: 10_000 } as const;
  const withEnrolment = (credential: NonNullable<MessageContext['enrolment']>['credential'], standing: 'ok' | 'revoked' | 'expired' = 'ok') => context({ newConnection: true, enrolment: { credential, standing } });
  const described = (environment: string): AgentToServerInit => ({
    sequenceNum: seq(0),
    capabilities: FULL_CAPS,
    agentDescription: { identifyingAttributes: [{ key: 'service.environment', value: { stringValue: environment } }] },
    remoteConfigStatus: status('', APPLIED),
  });

  it('records the token on the agent and in its fleet event when the agent is in its group', () => {
    const outcome = handled(handleAgentMessage(undefined, wire(described('edge')), withEnrolment(groupToken)));
    expect(outcome.record.enrolment).toEqual({ tokenId: '0123456789abcdef', name: 'edge', issuedFrom: null });
    expect(outcome.event?.snapshot.enrolment).toEqual({ tokenId: '0123456789abcdef', name: 'edge', issuedFrom: null });
  });

  it('refuses an agent of another group, keeping nothing and answering nothing', () => {
    const outcome = handleAgentMessage(undefined, wire(described('prod')), withEnrolment(groupToken));
    expect(outcome).toEqual({ kind: 'refused', reason: 'enrolment token is for group edge; the agent says service.environment=prod', credentialGone: false });
  });

  it('waits for the agent to describe itself before judging its group, and offers nothing meanwhile', () => {
    const outcome = handled(handleAgentMessage(undefined, wire({ sequenceNum: seq(3), capabilities: FULL_CAPS }), context({ newConnection: true, desired: { hash: HASH_A, revision: 1 }, enrolment: { credential: groupToken, standing: 'ok' } })));
    expect(outcome.response.remoteConfig).toBeUndefined();
    expect(outcome.event).toBeNull();
    expect(handleAgentMessage(outcome.record, wire({ ...described('prod'), sequenceNum: seq(4) }), context({ enrolment: { credential: groupToken, standing: 'ok' } })).kind).toBe('refused');
  });

  it('refuses an agent that moves to another group on a connection whose token is for the first', () => {
    const known = handled(handleAgentMessage(undefined, wire(described('edge')), withEnrolment(groupToken))).record;
    expect(handleAgentMessage(known, wire({ ...described('prod'), sequenceNum: seq(1) }), context({ enrolment: { credential: groupToken, standing: 'ok' } })).kind).toBe('refused');
  });

  it('lets an agent token speak for its uid only, and not take a new uid', () => {
    const own = { ...groupToken, scope: { kind: 'agent', agentId: UID } } as const;
    expect(handleAgentMessage(undefined, wire(described('anything')), withEnrolment(own)).kind).toBe('handled');
    const other = { ...groupToken, scope: { kind: 'agent', agentId: NEW_UID } } as const;
    expect(handleAgentMessage(undefined, wire(described('edge')), withEnrolment(other))).toMatchObject({ kind: 'refused', reason: `enrolment token is for agent ${NEW_UID}, not ${UID}` });
    const renamed = handleAgentMessage(undefined, wire({ ...described('edge'), flags: Long.fromNumber(AgentToServerFlag.RequestInstanceUid, true) }), withEnrolment(own));
    expect(renamed).toMatchObject({ kind: 'refused', reason: `enrolment token is for agent ${UID}, not ${NEW_UID}` });
  });

  it('refuses every message once the connection\u2019s token was revoked or has expired', () => {
    expect(handleAgentMessage(undefined, wire(described('edge')), withEnrolment(groupToken, 'revoked'))).toEqual({ kind: 'refused', reason: 'enrolment token 0123456789abcdef was revoked', credentialGone: true });
    expect(handleAgentMessage(undefined, wire(described('edge')), withEnrolment(groupToken, 'expired'))).toMatchObject({ reason: 'enrolment token 0123456789abcdef expired' });
  });
});

describe('handleAgentMessage: own telemetry offer', () => {
  const OWN_CAPS = caps(Cap.AcceptsRemoteConfig, Cap.ReportsRemoteConfig, Cap.ReportsOwnMetrics, Cap.ReportsOwnLogs);
  const headers = [{ key: 'x-roost-agent', value: UID }];
  let composed = 0;
  const ownTelemetryFor = (): { metrics: { destinationEndpoint: string; headers: typeof headers }; logs: { destinationEndpoint: string; headers: typeof headers } } => {
    composed += 1;
    return { metrics: { destinationEndpoint: 'http://gw/v1/metrics', headers }, logs: { destinationEndpoint: 'http://gw/v1/logs', headers } };
  };

  it('offers own metrics and logs together once no config is on its way, then composes the offer no more on that connection', () => {
    composed = 0;
    const first = handled(
      handleAgentMessage(
        undefined,
        wire({ sequenceNum: seq(0), capabilities: OWN_CAPS, agentDescription: description, remoteConfigStatus: status('', APPLIED) }),
        context({ newConnection: true, desired: { hash: null, revision: 0 }, ownTelemetryFor }),
      ),
    );
    expect(first.response.connectionSettings?.ownMetrics?.destinationEndpoint).toBe('http://gw/v1/metrics');
    expect(first.response.connectionSettings?.ownLogs?.destinationEndpoint).toBe('http://gw/v1/logs');
    expect(first.record.settingsOffer).toMatchObject({ ownMetrics: true, ownLogs: true, settled: true });
    let record = first.record;
    for (let n = 1; n <= 3; n += 1) {
      const next = handled(handleAgentMessage(record, wire({ sequenceNum: seq(n), capabilities: OWN_CAPS }), context({ ownTelemetryFor })));
      expect(next.response.connectionSettings).toBeUndefined();
      record = next.record;
    }
    expect(composed).toBe(1);
  });

  it('makes no own-telemetry offer while a config is on its way (its restart would fall in the apply being judged)', () => {
    composed = 0;
    const outcome = handled(
      handleAgentMessage(
        undefined,
        wire({ sequenceNum: seq(0), capabilities: OWN_CAPS, agentDescription: description, remoteConfigStatus: status('', APPLIED) }),
        context({ newConnection: true, desired: { hash: HASH_A, revision: 1 }, ownTelemetryFor }),
      ),
    );
    expect(outcome.response.remoteConfig).toBeDefined();
    expect(outcome.response.connectionSettings?.ownLogs).toBeUndefined();
    expect(outcome.record.settingsOffer?.settled ?? false).toBe(false);
    expect(composed).toBe(0);
  });
});
