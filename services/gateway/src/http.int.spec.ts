import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { RemoteConfigStatuses, ServerErrorResponseType, encodeAgentToServer, instanceUidToBytes } from '@roost/opamp';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { eventually } from '@roost/testing';
import { startGateway, type RunningGateway } from './start-gateway';
import { fleetEvents, nudge, setDesired, storeConfig } from './testing/fleet-fixture';
import { HttpTestAgent, UpgradeRefused, WsTestAgent, offeredConfigHash, postOpamp, testDescription } from './testing/opamp-test-agent';

const APPLIED = RemoteConfigStatuses.RemoteConfigStatuses_APPLIED;
const status = (hash: string, state = APPLIED) => ({ remoteConfigStatus: { lastRemoteConfigHash: Buffer.from(hash, 'hex'), status: state } });
const fullState = (name: string, hash = '') => ({ agentDescription: testDescription(name), ...status(hash) });

describe('gateway over plain HTTP (in-memory platform)', () => {
  let platform: Platform;
  let gateway: RunningGateway;

  beforeAll(async () => {
    platform = createMemoryPlatform();
    gateway = await startGateway(
      { port: 0, host: '127.0.0.1', gatewayId: 'gw-http', maxMessageBytes: 64 * 1024, httpPollIntervalSeconds: 0.2, httpMissedPolls: 2 },
      platform,
    );
  });

  afterAll(async () => {
    await gateway.stop();
    await platform.close();
  });

  it('answers a poll at once with exactly application/x-protobuf, the uid echoed and capabilities set', async () => {
    const agent = new HttpTestAgent(gateway.httpUrl, randomUUID());
    const reply = await agent.exchange(fullState('http-first'));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-protobuf');
    expect(Buffer.from(reply.message!.instanceUid)).toEqual(Buffer.from(instanceUidToBytes(agent.agentId)));
    expect(reply.message!.capabilities.toNumber() & 0x1).toBe(1);
  });

  it('delivers the desired config in a reply, and a config set later on the next poll', async () => {
    const first = await storeConfig(platform, 'exporters: {}\n# v1\n');
    const second = await storeConfig(platform, 'exporters: {}\n# v2\n');
    const agent = new HttpTestAgent(gateway.httpUrl, randomUUID());
    await setDesired(platform, [agent.agentId], first);
    expect(offeredConfigHash((await agent.exchange(fullState('poller'))).message)).toBe(first);
    expect(offeredConfigHash((await agent.exchange(status(first))).message)).toBeNull();
    await setDesired(platform, [agent.agentId], second);
    nudge(platform, gateway.gatewayId, [agent.agentId]);
    await gateway.idle();
    expect(offeredConfigHash((await agent.exchange({})).message)).toBe(second);
    expect(offeredConfigHash((await agent.exchange(status(second))).message)).toBeNull();
  });

  it('accepts gzip bodies and compresses replies only when the agent accepts gzip', async () => {
    const hash = await storeConfig(platform, `processors: {}\n# ${'x'.repeat(2_000)}\n`);
    const agent = new HttpTestAgent(gateway.httpUrl, randomUUID());
    await setDesired(platform, [agent.agentId], hash);
    const zipped = await agent.exchange(fullState('gzip'), { gzip: true, acceptGzip: true });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(offeredConfigHash(zipped.message)).toBe(hash);
    const plain = await agent.exchange({}, { gzip: true });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(offeredConfigHash(plain.message)).toBe(null);
  });

  it('refuses a wrong content type (415), an undecodable body (400) and bad gzip (400)', async () => {
    const body = encodeAgentToServer({ instanceUid: instanceUidToBytes(randomUUID()) });
    expect((await postOpamp(gateway.httpUrl, body, { headers: { 'Content-Type': 'application/x-protobuf; charset=utf-8' } })).status).toBe(415);
    expect((await postOpamp(gateway.httpUrl, Uint8Array.of(0x0a, 0xff, 0x01))).status).toBe(400);
    expect((await postOpamp(gateway.httpUrl, Uint8Array.of(1, 2, 3), { headers: { 'Content-Encoding': 'gzip' } })).status).toBe(400);
  });

  it('answers a bad instance uid with 200 and a BadRequest error response', async () => {
    const reply = await postOpamp(gateway.httpUrl, encodeAgentToServer({ instanceUid: Uint8Array.of(9, 9) }));
    expect(reply.status).toBe(200);
    expect(reply.message!.errorResponse?.type).toBe(ServerErrorResponseType.ServerErrorResponseType_BadRequest);
  });

  it('measures the size limit after decompression: 413 for a gzip bomb and for a plain oversize body', async () => {
    const huge = encodeAgentToServer({ instanceUid: instanceUidToBytes(randomUUID()), agentDescription: testDescription('z'.repeat(70 * 1024)) });
    expect(gzipSync(huge).length).toBeLessThan(64 * 1024);
    expect((await postOpamp(gateway.httpUrl, huge, { gzip: true })).status).toBe(413);
    expect((await postOpamp(gateway.httpUrl, huge)).status).toBe(413);
  });

  it('disconnects an HTTP agent that misses its polls, and reconnects it on the next poll', async () => {
    const agent = new HttpTestAgent(gateway.httpUrl, randomUUID());
    await agent.exchange(fullState('sleepy'));
    const types = await eventually(async () => {
      const found = (await fleetEvents(platform, agent.agentId)).map((e) => e.type);
      return found.includes('disconnected') && found;
    });
    expect(types).toEqual(['connected', 'disconnected']);
    await agent.exchange({});
    await eventually(async () => (await fleetEvents(platform, agent.agentId)).length === 3);
    expect((await fleetEvents(platform, agent.agentId)).map((e) => e.type)).toEqual(['connected', 'disconnected', 'connected']);
  });

  it('serves 404 off the OpAMP path and 405 for a GET on it', async () => {
    const base = gateway.httpUrl.replace('/v1/opamp', '');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(gateway.httpUrl)).status).toBe(405);
  });
});

describe.each([
  ['authentication', { bearerToken: 's3cret' }],
  ['connection limit', { bearerToken: 's3cret', maxAgents: 2, retryAfterSeconds: 7 }],
] as const)('gateway %s', (name, options) => {
  let platform: Platform;
  let gateway: RunningGateway;
  const auth = { Authorization: 'Bearer s3cret' };

  beforeAll(async () => {
    platform = createMemoryPlatform();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-limits', ...options }, platform);
  });

  afterAll(async () => {
    await gateway.stop();
    await platform.close();
  });

  if (name === 'authentication') {
    it('refuses requests and upgrades without the bearer token with 401', async () => {
      const agent = new HttpTestAgent(gateway.httpUrl, randomUUID());
      expect((await agent.exchange(fullState('anon'))).status).toBe(401);
      expect((await agent.exchange(fullState('wrong'), { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
      await expect(WsTestAgent.connect(gateway.url, randomUUID())).rejects.toMatchObject({ status: 401 });
      expect((await agent.exchange(fullState('authed'), { headers: auth })).status).toBe(200);
      const ws = await WsTestAgent.connect(gateway.url, randomUUID(), { headers: auth });
      expect((await ws.exchange(fullState('ws-authed'))).errorResponse).toBeNull();
      await ws.close();
    });
  } else {
    it('refuses agents over the limit with 503 and Retry-After, and keeps serving those it has', async () => {
      const ws = await WsTestAgent.connect(gateway.url, randomUUID(), { headers: auth });
      await ws.exchange(fullState('ws-in'));
      const http = new HttpTestAgent(gateway.httpUrl, randomUUID());
      expect((await http.exchange(fullState('http-in'), { headers: auth })).status).toBe(200);
      const refused = await new HttpTestAgent(gateway.httpUrl, randomUUID()).exchange(fullState('http-out'), { headers: auth });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('7');
      const upgrade = await WsTestAgent.connect(gateway.url, randomUUID(), { headers: auth }).catch((error: unknown) => error);
      expect(upgrade).toBeInstanceOf(UpgradeRefused);
      expect(upgrade).toMatchObject({ status: 503, headers: { 'retry-after': '7' } });
      // the agents it holds keep being served
      expect((await ws.exchange({})).errorResponse).toBeNull();
      expect((await http.exchange({}, { headers: auth })).status).toBe(200);
      await ws.close();
    });
  }
});
