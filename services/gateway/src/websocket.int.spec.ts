import { randomUUID } from 'node:crypto';
import Long from 'long';
import { BUCKETS, gatewayPresenceContract } from '@roost/contracts';
import { RemoteConfigStatuses, ServerErrorResponseType, ServerToAgentFlag, hasFlag } from '@roost/opamp';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { eventually, sleep } from '@roost/testing';
import { startGateway, type RunningGateway } from './start-gateway';
import { fleetEvents, nudge, setDesired, storeConfig } from './testing/fleet-fixture';
import { WsTestAgent, offeredConfigHash, testDescription } from './testing/opamp-test-agent';

const APPLIED = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;
const FAILED = RemoteConfigStatuses.RemoteConfigStatuses_FAILED;
const status = (hash: string, state: RemoteConfigStatuses) => ({ remoteConfigStatus: { lastRemoteConfigHash: Buffer.from(hash, 'hex'), status: state } });
const fullState = (name: string, hash = '') => ({ agentDescription: testDescription(name), ...status(hash, APPLIED) });

describe('gateway over WebSocket (in-memory platform)', () => {
  let platform: Platform;
  let gateway: RunningGateway;
  const agents: WsTestAgent[] = [];

  const connect = async (agentId: string = randomUUID()): Promise<WsTestAgent> => {
    const agent = await WsTestAgent.connect(gateway.url, agentId);
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    platform = createMemoryPlatform();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-ws', heartbeatIntervalSeconds: 15, maxMessageBytes: 64 * 1024 }, platform);
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
  });

  afterAll(async () => {
    await gateway.stop();
    await platform.close();
  });

  it('answers the first status report with the uid echoed, capabilities and a heartbeat offer, and says connected', async () => {
    const agent = await connect();
    const reply = await agent.exchange(fullState('first'));
    expect(Buffer.from(reply.instanceUid).toString('hex')).toBe(agent.agentId.replace(/-/g, ''));
    expect(reply.capabilities.toNumber() & 0x3).toBe(0x3);
    expect(reply.connectionSettings?.opamp?.heartbeatIntervalSeconds?.toNumber()).toBe(15);
    expect(reply.connectionSettings?.hash?.length).toBe(32);
    expect(hasFlag(reply.flags, ServerToAgentFlag.ReportFullState)).toBe(false);
    const events = await eventually(async () => {
      const found = await fleetEvents(platform, agent.agentId);
      return found.length > 0 && found;
    });
    expect(events.map((e) => e.type)).toEqual(['connected']);
    expect(events[0]!.snapshot).toMatchObject({ gatewayId: 'gw-ws', transport: 'websocket', connected: true, identifying: { 'service.name': 'first' } });
  });

  it('delivers the desired config on connect and on a push nudge, and never re-sends one reported FAILED', async () => {
    const good = await storeConfig(platform, 'receivers: {}\n# good\n');
    const bad = await storeConfig(platform, 'receivers: {}\n# bad\n');
    const agent = await connect();
    await setDesired(platform, [agent.agentId], good);
    const first = await agent.exchange(fullState('delivery'));
    expect(offeredConfigHash(first)).toBe(good);
    expect(Buffer.from(first.remoteConfig?.config?.configMap?.['']?.body ?? '').toString()).toBe('receivers: {}\n# good\n');
    const afterApplied = await agent.exchange(status(good, APPLIED));
    expect(offeredConfigHash(afterApplied)).toBeNull();

    await setDesired(platform, [agent.agentId], bad);
    nudge(platform, gateway.gatewayId, [agent.agentId]);
    const pushed = await agent.next((m) => offeredConfigHash(m) !== null);
    expect(offeredConfigHash(pushed)).toBe(bad);
    await agent.exchange(status(bad, FAILED));
    nudge(platform, gateway.gatewayId, [agent.agentId]);
    await gateway.idle();
    await agent.exchange({});
    await sleep(50);
    expect(agent.pending().filter((m) => offeredConfigHash(m) !== null)).toEqual([]);
    const kinds = (await fleetEvents(platform, agent.agentId)).map((e) => [e.type, e.snapshot.remoteConfigStatus?.status]);
    expect(kinds).toEqual([
      ['connected', 'APPLIED'],
      ['remote-config-status', 'APPLIED'],
      ['remote-config-status', 'FAILED'],
    ]);
  });

  it('keeps the agent state across a reconnect: a compressed first message is not asked for full state', async () => {
    const first = await connect();
    await first.exchange(fullState('reconnect'));
    await first.close();
    const second = await connect(first.agentId);
    second.sequence = first.sequence;
    const reply = await second.exchange({});
    expect(hasFlag(reply.flags, ServerToAgentFlag.ReportFullState)).toBe(false);
    const types = await eventually(async () => {
      const found = (await fleetEvents(platform, first.agentId)).map((e) => e.type);
      return found.length === 3 && found;
    });
    expect(types).toEqual(['connected', 'disconnected', 'connected']);
  });

  it('asks an agent it does not know for full state when its first message is compressed', async () => {
    const agent = await connect();
    agent.sequence = 17;
    const reply = await agent.exchange({});
    expect(hasFlag(reply.flags, ServerToAgentFlag.ReportFullState)).toBe(true);
    const next = await agent.exchange(fullState('late'));
    expect(hasFlag(next.flags, ServerToAgentFlag.ReportFullState)).toBe(false);
  });

  it('lets queued health reports that change only a time be superseded by the newest, answers each, and never folds a config status', async () => {
    const agent = await connect();
    await agent.exchange(fullState('burst'));
    const superseded = async () => (await gateway.metrics.messagesSuperseded.get()).values.reduce((sum, v) => sum + v.value, 0);
    const before = await superseded();
    const health = (at: number) => ({ health: { healthy: true, status: 'ok', statusTimeUnixNano: Long.fromNumber(at * 1e6, true) } });
    // Sent in one go, so they arrive in one read and wait in the queue together.
    for (let at = 1; at <= 5; at++) agent.send(health(at));
    agent.send(status('', FAILED));
    agent.send(health(6));
    const replies = await eventually(async () => agent.pending().length === 7 && agent.pending());
    expect(replies.every((r) => !hasFlag(r.flags, ServerToAgentFlag.ReportFullState))).toBe(true);
    expect((await superseded()) - before).toBe(4);
    const kinds = await eventually(async () => {
      const found = (await fleetEvents(platform, agent.agentId)).map((e) => e.type);
      return found.length === 3 && found;
    });
    expect(kinds).toEqual(['connected', 'health', 'remote-config-status']);
  });

  it('replaces the first connection when a second one speaks for the same uid', async () => {
    const first = await connect();
    await first.exchange(fullState('dup'));
    const second = await connect(first.agentId);
    second.sequence = first.sequence;
    await second.exchange({});
    await expect(first.closed).resolves.toMatchObject({ code: 1000 });
    expect((await second.exchange({})).instanceUid.length).toBe(16);
    expect(gateway.stats().agents.websocket).toBeGreaterThanOrEqual(1);
  });

  it('marks an agent that closes its socket as disconnected, once', async () => {
    const agent = await connect();
    await agent.exchange(fullState('bye'));
    await agent.close();
    const types = await eventually(async () => {
      const found = (await fleetEvents(platform, agent.agentId)).map((e) => e.type);
      return found.includes('disconnected') && found;
    });
    expect(types).toEqual(['connected', 'disconnected']);
  });

  it('answers agent_disconnect and says disconnected', async () => {
    const agent = await connect();
    await agent.exchange(fullState('leaving'));
    await agent.exchange({ agentDisconnect: {} });
    const types = await eventually(async () => {
      const found = (await fleetEvents(platform, agent.agentId)).map((e) => e.type);
      return found.includes('disconnected') && found;
    });
    expect(types).toEqual(['connected', 'disconnected']);
  });

  it('ignores text frames and malformed frames, answers a bad uid with BadRequest, and keeps serving', async () => {
    const agent = await connect();
    agent.sendRaw('hello');
    agent.sendRaw(Uint8Array.of(0x05, 0x0a));
    agent.sendRaw(Uint8Array.of(0x00, 0x0a, 0xff));
    const bad = await agent.exchange({ instanceUid: Uint8Array.of(1, 2, 3) });
    expect(bad.errorResponse?.type).toBe(ServerErrorResponseType.ServerErrorResponseType_BadRequest);
    const good = await agent.exchange(fullState('survivor'));
    expect(good.errorResponse).toBeNull();
    const metrics = await gateway.metrics.registry.getSingleMetricAsString('roost_gateway_decode_errors_total');
    expect(metrics).toMatch(/reason="non_binary_frame"[^\n]* [1-9]/);
    expect(metrics).toMatch(/reason="bad_header"[^\n]* [1-9]/);
    expect(metrics).toMatch(/reason="bad_protobuf"[^\n]* [1-9]/);
  });

  it('closes with 1009 a frame over the size limit, and lets the socket go at once', async () => {
    const open = gateway.stats().openSockets;
    const agent = await connect();
    agent.sendRaw(new Uint8Array(65 * 1024));
    await expect(agent.closed).resolves.toMatchObject({ code: 1009 });
    // Not after ws's 30 s close timeout: a socket that failed that way held its peer and bytes until then.
    await eventually(() => gateway.stats().openSockets === open, { timeoutMs: 10_000, what: 'the socket let go' });
  });

  it('closes with 1002 a frame that breaks the WebSocket protocol, and lets the socket go at once', async () => {
    const open = gateway.stats().openSockets;
    const agent = await connect();
    // A masked frame with the reserved opcode 3, written under the client library, and more bytes after it.
    const raw = (agent.socket as unknown as { _socket: { write(bytes: Buffer): void } })._socket;
    raw.write(Buffer.from([0x83, 0x80, 1, 2, 3, 4]));
    raw.write(Buffer.alloc(256 * 1024, 0x82));
    await expect(agent.closed).resolves.toMatchObject({ code: 1002 });
    await eventually(() => gateway.stats().openSockets === open, { timeoutMs: 10_000, what: 'the socket let go' });
  });

  it('keeps its presence in the gateways bucket and serves metrics and probes', async () => {
    const bucket = await platform.kv.open(BUCKETS.gateways.name);
    const entry = await bucket.get('gw-ws');
    expect(gatewayPresenceContract.decode(entry!.value)).toMatchObject({ gatewayId: 'gw-ws' });
    const base = gateway.httpUrl.replace('/v1/opamp', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('roost_gateway_agents{transport="websocket"');
    expect(text).toContain('roost_gateway_push_to_applied_seconds_count');
    expect(text).toMatch(/roost_gateway_messages_received_total\{transport="websocket"[^\n]*\} [1-9]/);
  });
});

describe('gateway over WebSocket: dead peers', () => {
  let platform: Platform;
  let gateway: RunningGateway;

  beforeAll(async () => {
    platform = createMemoryPlatform();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-ping', pingIntervalMs: 100 }, platform);
  });

  afterAll(async () => {
    await gateway.stop();
    await platform.close();
  });

  it('terminates a peer that stops answering pings and says the agent disconnected, and keeps one that answers', async () => {
    const dead = await WsTestAgent.connect(gateway.url, randomUUID(), { autoPong: false });
    const alive = await WsTestAgent.connect(gateway.url, randomUUID());
    await dead.exchange(fullState('dead'));
    await alive.exchange(fullState('alive'));
    await expect(dead.closed).resolves.toMatchObject({ code: 1006 });
    const types = await eventually(async () => {
      const found = (await fleetEvents(platform, dead.agentId)).map((e) => e.type);
      return found.includes('disconnected') && found;
    });
    expect(types).toEqual(['connected', 'disconnected']);
    await sleep(300);
    expect((await alive.exchange({})).errorResponse).toBeNull();
    expect((await fleetEvents(platform, alive.agentId)).map((e) => e.type)).toEqual(['connected']);
    await alive.close();
  });
});
