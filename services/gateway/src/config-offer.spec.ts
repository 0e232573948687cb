import { createHash } from 'node:crypto';
import Long from 'long';
import {
  AgentCapability as Cap,
  AgentToServer,
  RemoteConfigStatuses,
  instanceUidToBytes,
  type AgentToServerInit,
} from '@roost/opamp';
import { reconcileConfig } from './agent-lifecycle';
import type { AgentRecord, DesiredEntry } from './agent-record';
import type { OfferableConfig } from './config-source';
import { handleAgentMessage, type HandledMessage, type MessageContext } from './handle-agent-message';

const UID = '0190b7f8-bb85-72b5-8942-8533325b988a';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const HASH_C = 'c'.repeat(64);
const { RemoteConfigStatuses_APPLIED: APPLIED, RemoteConfigStatuses_FAILED: FAILED, RemoteConfigStatuses_APPLYING: APPLYING } = RemoteConfigStatuses;

const offerable = (hash: string): OfferableConfig => ({
  hashHex: hash,
  remoteConfig: { config: { configMap: { '': { body: new TextEncoder().encode(`# ${hash}`), contentType: 'text/yaml' } } }, configHash: Buffer.from(hash, 'hex') },
  bodyBytes: 66,
});
const CONFIGS = new Map([HASH_A, HASH_B, HASH_C].map((hash) => [hash, offerable(hash)]));

const caps = (...bits: number[]) => Long.fromNumber(bits.reduce((all, bit) => all | bit, Cap.ReportsStatus), true);
const description = { identifyingAttributes: [{ key: 'service.name', value: { stringValue: 'otelcol' } }] };
const status = (hash: string, state: RemoteConfigStatuses) => ({ lastRemoteConfigHash: Buffer.from(hash, 'hex'), status: state });

/**
 * Plays one agent's messages through the handler (each one the next in sequence) and keeps
 * the record, as the gateway's shell does.
 */
class Agent {
  record: AgentRecord | undefined;
  private seq = 0;
  private revision = 0;
  now = 1_000;

  constructor(
    private readonly capabilities: Long,
    private readonly ctx: Partial<MessageContext> = {},
  ) {}

  send(init: AgentToServerInit, overrides: Partial<MessageContext> = {}): HandledMessage {
    const message = AgentToServer.decode(
      AgentToServer.encode({ instanceUid: instanceUidToBytes(UID), sequenceNum: Long.fromNumber(this.seq++, true), capabilities: this.capabilities, ...init }).finish(),
    );
    const outcome = handleAgentMessage(this.record, message, {
      now: this.now,
      gatewayId: 'gw-1',
      transport: 'websocket',
      newConnection: this.record === undefined,
      heartbeatIntervalSeconds: 0,
      redeliverAfterMs: 30_000,
      newInstanceUid: () => new Uint8Array(16),
      nextEventId: () => 'id',
      offerable: (hash) => CONFIGS.get(hash),
      ...this.ctx,
      ...overrides,
    });
    if (outcome.kind !== 'handled') throw new Error(outcome.reason);
    this.record = outcome.record;
    return outcome;
  }

  /** Each write of `agent-desired` has a newer revision; no entry reads as revision 0. */
  private entry(hash: string | null, revision?: number): DesiredEntry {
    return { hash, revision: revision ?? (hash === null ? 0 : ++this.revision) };
  }

  connect(desired: string | null, init: AgentToServerInit = {}): HandledMessage {
    return this.send({ agentDescription: description, ...init }, { newConnection: true, desired: this.entry(desired) });
  }

  /** A push nudge said the desired config changed (to the entry of `revision`, if given). */
  nudge(desired: string | null, revision?: number) {
    const result = reconcileConfig(this.record!, this.entry(desired, revision), { now: this.now, redeliverAfterMs: 30_000, heartbeatIntervalSeconds: 0, offerable: (hash) => CONFIGS.get(hash) });
    this.record = result.record;
    return result;
  }
}

const offeredHash = (outcome: { response?: { remoteConfig?: { configHash?: Uint8Array | null } | null }; message?: { remoteConfig?: { configHash?: Uint8Array | null } | null } | null }) => {
  const remote = outcome.response?.remoteConfig ?? outcome.message?.remoteConfig;
  return remote?.configHash ? Buffer.from(remote.configHash).toString('hex') : null;
};

describe('config delivery to agents that report their remote config status', () => {
  const CAPS = caps(Cap.AcceptsRemoteConfig, Cap.ReportsRemoteConfig);

  it('offers the desired config on connect when the reported hash differs, and not once it is reported', () => {
    const agent = new Agent(CAPS);
    expect(offeredHash(agent.connect(HASH_B, { remoteConfigStatus: status(HASH_A, APPLIED) }))).toBe(HASH_B);
    expect(offeredHash(agent.send({ remoteConfigStatus: status(HASH_B, APPLYING) }))).toBeNull();
    expect(offeredHash(agent.send({ remoteConfigStatus: status(HASH_B, APPLIED) }))).toBeNull();
    expect(offeredHash(agent.send({}))).toBeNull();
  });

  it('does not offer to an agent that already runs the desired config', () => {
    const agent = new Agent(CAPS);
    expect(offeredHash(agent.connect(HASH_A, { remoteConfigStatus: status(HASH_A, APPLIED) }))).toBeNull();
  });

  it('never re-sends a hash the agent reported FAILED, even after it rolled back to the old one', () => {
    const agent = new Agent(CAPS);
    agent.connect(HASH_A, { remoteConfigStatus: status(HASH_A, APPLIED) });
    expect(offeredHash(agent.nudge(HASH_B))).toBe(HASH_B);
    expect(offeredHash(agent.send({ remoteConfigStatus: status(HASH_B, FAILED) }))).toBeNull();
    // rollback: the agent reports APPLIED for the older hash while B is still desired
    expect(offeredHash(agent.send({ remoteConfigStatus: status(HASH_A, APPLIED) }))).toBeNull();
    agent.now += 3_600_000;
    expect(offeredHash(agent.send({}))).toBeNull();
    // the same assignment again (a repeated nudge, a resync): still not resent
    expect(offeredHash(agent.nudge(HASH_B, agent.record!.desiredRevision))).toBeNull();
    // a different config is offered again
    expect(offeredHash(agent.nudge(HASH_C))).toBe(HASH_C);
  });

  it("re-offers a hash the agent reported FAILED when a new rollout assigns it again: an operator's new rollout is the retry", () => {
    const agent = new Agent(CAPS);
    agent.connect(HASH_A, { remoteConfigStatus: status(HASH_A, APPLIED) });
    expect(offeredHash(agent.nudge(HASH_B))).toBe(HASH_B);
    expect(offeredHash(agent.send({ remoteConfigStatus: status(HASH_B, FAILED) }))).toBeNull();
    const failedUnder = agent.record!.desiredRevision;
    // the rollout ends and puts the agent back on A; the cause is fixed; a new rollout assigns B again
    expect(offeredHash(agent.nudge(HASH_A))).toBe(HASH_A);
    agent.send({ remoteConfigStatus: status(HASH_A, APPLIED) });
    const retry = agent.nudge(HASH_B);
    expect(agent.record!.desiredRevision).toBeGreaterThan(failedUnder);
    expect(offeredHash(retry)).toBe(HASH_B);
    expect(offeredHash(agent.send({ remoteConfigStatus: status(HASH_B, APPLIED) }))).toBeNull();
  });

  it('re-offers a FAILED hash on a new assignment even with no other config in between', () => {
    const agent = new Agent(CAPS);
    agent.connect(HASH_A, { remoteConfigStatus: status(HASH_A, APPLIED) });
    agent.nudge(HASH_B);
    agent.send({ remoteConfigStatus: status(HASH_B, FAILED) });
    expect(offeredHash(agent.nudge(HASH_B))).toBe(HASH_B);
  });

  it('does not send a config twice when its entry is rewritten with the same hash before the agent reported it', () => {
    const agent = new Agent(CAPS);
    agent.connect(HASH_A, { remoteConfigStatus: status(HASH_A, APPLIED) });
    expect(offeredHash(agent.nudge(HASH_B))).toBe(HASH_B);
    expect(agent.nudge(HASH_B).message).toBeNull();
    agent.now += 30_000;
    expect(offeredHash(agent.send({}))).toBe(HASH_B);
  });

  it('repeats a config on one connection only after the redelivery delay, and at once on a new connection', () => {
    const agent = new Agent(CAPS);
    expect(offeredHash(agent.connect(HASH_B, { remoteConfigStatus: status(HASH_A, APPLIED) }))).toBe(HASH_B);
    expect(offeredHash(agent.send({}))).toBeNull();
    agent.now += 30_000;
    expect(offeredHash(agent.send({}))).toBe(HASH_B);
    expect(offeredHash(agent.send({}, { newConnection: true }))).toBe(HASH_B);
  });

  it('waits for the answer to ReportFullState before judging the hash of an agent that omitted its status', () => {
    const agent = new Agent(CAPS);
    const first = agent.send({}, { newConnection: true, desired: { hash: HASH_A, revision: 1 } });
    expect(offeredHash(first)).toBeNull();
    expect(offeredHash(agent.send({ agentDescription: description, remoteConfigStatus: status(HASH_A, APPLIED) }))).toBeNull();
  });

  it('measures the time from the offer to the APPLIED report', () => {
    const agent = new Agent(CAPS);
    agent.connect(HASH_B, { remoteConfigStatus: status(HASH_A, APPLIED) });
    agent.now += 250;
    expect(agent.send({ remoteConfigStatus: status(HASH_B, APPLIED) }).appliedAfterMs).toBe(250);
  });
});

describe('config delivery: capabilities', () => {
  it('never offers a config to an agent without AcceptsRemoteConfig, re-checked on every message', () => {
    const agent = new Agent(caps(Cap.ReportsRemoteConfig));
    expect(offeredHash(agent.connect(HASH_B, { remoteConfigStatus: status(HASH_A, APPLIED) }))).toBeNull();
    expect(agent.nudge(HASH_C).message).toBeNull();
    // the agent now accepts remote config: the next message gets the offer
    expect(offeredHash(agent.send({ capabilities: caps(Cap.ReportsRemoteConfig, Cap.AcceptsRemoteConfig) }))).toBe(HASH_C);
  });

  it('compares with the last hash sent for an agent that does not report its status', () => {
    const agent = new Agent(caps(Cap.AcceptsRemoteConfig));
    expect(offeredHash(agent.connect(HASH_A))).toBe(HASH_A);
    expect(offeredHash(agent.send({}))).toBeNull();
    expect(offeredHash(agent.send({}, { newConnection: true }))).toBeNull();
    expect(offeredHash(agent.nudge(HASH_B))).toBe(HASH_B);
    expect(offeredHash(agent.nudge(HASH_B, agent.record!.desiredRevision))).toBeNull();
  });

  it('ignores a nudge whose entry is older than the one the agent was given (nudges race)', () => {
    const agent = new Agent(caps(Cap.AcceptsRemoteConfig, Cap.ReportsRemoteConfig));
    agent.connect(HASH_A, { remoteConfigStatus: status(HASH_A, APPLIED) });
    expect(offeredHash(agent.nudge(HASH_C, 9))).toBe(HASH_C);
    expect(agent.nudge(HASH_B, 5).message).toBeNull();
    expect(agent.record!.desiredHash).toBe(HASH_C);
  });

  it('asks for the config to be loaded when it is not at hand', () => {
    const agent = new Agent(caps(Cap.AcceptsRemoteConfig, Cap.ReportsRemoteConfig), { offerable: () => undefined });
    const outcome = agent.connect(HASH_B, { remoteConfigStatus: status(HASH_A, APPLIED) });
    expect(outcome.missingConfig).toBe(HASH_B);
    expect(outcome.response.remoteConfig).toBeUndefined();
  });

  it('pushes nothing to an HTTP agent: its next poll carries the offer', () => {
    const agent = new Agent(caps(Cap.AcceptsRemoteConfig, Cap.ReportsRemoteConfig), { transport: 'http' });
    agent.connect(HASH_A, { remoteConfigStatus: status(HASH_A, APPLIED) });
    expect(agent.nudge(HASH_B).message).toBeNull();
    expect(offeredHash(agent.send({}))).toBe(HASH_B);
  });
});

describe('heartbeat interval offer', () => {
  it('offers the interval with a hash once per connection to agents that report heartbeats', () => {
    const agent = new Agent(caps(Cap.ReportsHeartbeat), { heartbeatIntervalSeconds: 15 });
    const first = agent.connect(null);
    expect(first.response.connectionSettings?.opamp?.heartbeatIntervalSeconds?.toString()).toBe('15');
    // The hash a heartbeat-only offer always had: agents that stored it see nothing new.
    expect(Buffer.from(first.response.connectionSettings!.hash!).toString('hex')).toBe(createHash('sha256').update('roost.connection-settings.v1\nheartbeat_interval_seconds=15\n').digest('hex'));
    expect(agent.send({}).response.connectionSettings).toBeUndefined();
    expect(agent.send({}, { newConnection: true }).response.connectionSettings?.opamp?.heartbeatIntervalSeconds?.toString()).toBe('15');
  });

  it('offers nothing to agents without ReportsHeartbeat or that accept OpAMP connection settings', () => {
    expect(new Agent(caps(), { heartbeatIntervalSeconds: 15 }).connect(null).response.connectionSettings).toBeUndefined();
    const accepting = new Agent(caps(Cap.ReportsHeartbeat, Cap.AcceptsOpAMPConnectionSettings), { heartbeatIntervalSeconds: 15 });
    expect(accepting.connect(null).response.connectionSettings).toBeUndefined();
  });

  it('offers nothing when the gateway is configured without a heartbeat interval', () => {
    expect(new Agent(caps(Cap.ReportsHeartbeat), { heartbeatIntervalSeconds: 0 }).connect(null).response.connectionSettings).toBeUndefined();
  });
});
