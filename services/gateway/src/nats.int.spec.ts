import { randomUUID } from 'node:crypto';
import { BUCKETS, enrolmentTokenRecordContract, enrolmentTokenText, gatewayPresenceContract, type EnrolmentTokenRecord } from '@roost/contracts';
import { RemoteConfigStatuses, ServerToAgentFlag, encodeAgentToServer, hasFlag, instanceUidToBytes } from '@roost/opamp';
import { silentLogger } from '@roost/ports';
import { connectNatsServicePlatform, type ServicePlatform } from '@roost/platform-nats';
import { eventually, startNatsServer, type TestServer } from '@roost/testing';
import { startGateway, type RunningGateway } from './start-gateway';
import { fleetEvents, nudge, setDesired, storeConfig } from './testing/fleet-fixture';
import { HttpTestAgent, WsTestAgent, offeredConfigHash, postOpamp, testDescription } from './testing/opamp-test-agent';
import { secretDigest } from './enrolment-check';

const APPLIED = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;
const status = (hash: string) => ({ remoteConfigStatus: { lastRemoteConfigHash: Buffer.from(hash, 'hex'), status: APPLIED } });

describe('gateway on NATS (JetStream fleet events, KV desired configs, core push nudges)', () => {
  let nats: TestServer;
  let platform: ServicePlatform;
  const gateways: RunningGateway[] = [];

  const start = async (gatewayId: string): Promise<RunningGateway> => {
    const gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId, heartbeatIntervalSeconds: 5 }, platform);
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    platform = await connectNatsServicePlatform({ url: nats.url, name: 'gateway-int-test', logger: silentLogger });
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await platform.close();
    await nats.stop();
  });

  it('announces itself, delivers a config on a nudge over WebSocket and HTTP, and appends events to FLEET_EVENTS', async () => {
    const gateway = await start('gw-nats-1');
    const presence = await (await platform.kv.open(BUCKETS.gateways.name)).get('gw-nats-1');
    expect(gatewayPresenceContract.decode(presence!.value).gatewayId).toBe('gw-nats-1');

    const ws = await WsTestAgent.connect(gateway.url, randomUUID());
    const http = new HttpTestAgent(gateway.httpUrl, randomUUID());
    await ws.exchange({ agentDescription: testDescription('nats-ws'), ...status('') });
    await http.exchange({ agentDescription: testDescription('nats-http'), ...status('') });

    const hash = await storeConfig(platform, 'service: {}\n# nats\n');
    await setDesired(platform, [ws.agentId, http.agentId], hash);
    nudge(platform, gateway.gatewayId, [ws.agentId, http.agentId]);
    expect(offeredConfigHash(await ws.next((m) => offeredConfigHash(m) !== null))).toBe(hash);
    await gateway.idle();
    expect(offeredConfigHash((await http.exchange({})).message)).toBe(hash);
    await ws.exchange(status(hash));
    await http.exchange(status(hash));

    for (const agent of [ws.agentId, http.agentId]) {
      const events = await eventually(async () => {
        const found = await fleetEvents(platform, agent);
        return found.length === 2 && found;
      });
      expect(events.map((e) => [e.type, e.snapshot.gatewayId, e.snapshot.remoteConfigStatus?.hash])).toEqual([
        ['connected', 'gw-nats-1', ''],
        ['remote-config-status', 'gw-nats-1', hash],
      ]);
      expect(new Set(events.map((e) => e.id)).size).toBe(2);
    }
    await ws.close();
  });

  it('asks an agent that moved to another gateway for its full state, and does not re-send the config it runs', async () => {
    const first = await start('gw-nats-a');
    const second = await start('gw-nats-b');
    const hash = await storeConfig(platform, 'service: {}\n# moved\n');
    const agent = await WsTestAgent.connect(first.url, randomUUID());
    await setDesired(platform, [agent.agentId], hash);
    expect(offeredConfigHash(await agent.exchange({ agentDescription: testDescription('mover'), ...status('') }))).toBe(hash);
    await agent.exchange(status(hash));
    await agent.close();

    // reconnect elsewhere with a compressed first message (opamp-go does this on reconnect)
    const moved = await WsTestAgent.connect(second.url, agent.agentId);
    moved.sequence = agent.sequence;
    const reply = await moved.exchange({});
    expect(hasFlag(reply.flags, ServerToAgentFlag.ReportFullState)).toBe(true);
    expect(offeredConfigHash(reply)).toBeNull();
    const full = await moved.exchange({ agentDescription: testDescription('mover'), ...status(hash) });
    expect(hasFlag(full.flags, ServerToAgentFlag.ReportFullState)).toBe(false);
    expect(offeredConfigHash(full)).toBeNull();
    const events = await eventually(async () => {
      const found = await fleetEvents(platform, agent.agentId);
      return found.length === 4 && found;
    });
    const types = events.map((e) => `${e.changes.join('+')}@${e.snapshot.gatewayId}`);
    // gateway a's disconnect and gateway b's connect race; each gateway's own events are ordered
    expect(types.filter((t) => t.endsWith('@gw-nats-a'))).toEqual(['connected@gw-nats-a', 'remote-config-status@gw-nats-a', 'disconnected@gw-nats-a']);
    // b says nothing from the compressed message; the full state it asked for is its `connected`
    expect(types.filter((t) => t.endsWith('@gw-nats-b'))).toEqual(['connected@gw-nats-b']);
    expect(events.find((e) => e.snapshot.gatewayId === 'gw-nats-b')?.snapshot).toMatchObject({ identifying: { 'service.name': 'mover' }, remoteConfigStatus: { hash } });
    await moved.close();
  });

  it('answers 503 with Retry-After for an enrolment token it cannot read while NATS is down, and keeps admitting a token it has read', async () => {
    const gateway = await start('gw-nats-enrol');
    const bucket = await platform.kv.open(BUCKETS.enrolmentTokens.name);
    const token = async (id: string, c: string): Promise<string> => {
      const record: EnrolmentTokenRecord = {
        id, name: id, scope: { kind: 'group', group: 'edge' }, secretSha256: secretDigest(c.repeat(43)).toString('hex'),
        createdAt: Date.now(), createdBy: 'test', expiresAt: Date.now() + 600_000, revokedAt: null, revokedBy: null, issuedFrom: null,
      };
      await bucket.put(id, enrolmentTokenRecordContract.encode(record));
      return enrolmentTokenText(id, c.repeat(43));
    };
    const read = await token('00000000000000a1', 'a');
    const unread = await token('00000000000000a2', 'b');
    const poll = (text: string) => postOpamp(gateway.httpUrl, encodeAgentToServer({ instanceUid: instanceUidToBytes(randomUUID()) }), { headers: { Authorization: `Bearer ${text}` } });
    expect((await poll(read)).status).toBe(200);
    await nats.kill();
    try {
      const refused = await poll(unread);
      expect({ status: refused.status, retryAfter: refused.headers['retry-after'], body: refused.body.toString() }).toEqual({
        status: 503,
        retryAfter: '30',
        body: 'the gateway cannot check enrolment tokens right now; retry shortly',
      });
      expect((await poll(read)).status).toBe(200);
    } finally {
      await nats.restart();
    }
    await eventually(async () => (await poll(unread)).status === 200, { timeoutMs: 20_000, what: 'the token read once NATS is back' });
  }, 60_000);
});
