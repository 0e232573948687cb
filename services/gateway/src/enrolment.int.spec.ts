import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import Long from 'long';
import { BUCKETS, enrolmentTokenRecordContract, enrolmentTokenText, type EnrolmentTokenRecord } from '@roost/contracts';
import { encodeAgentToServer, instanceUidToBytes } from '@roost/opamp';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { KeyValueStore, Platform } from '@roost/ports';
import { eventually } from '@roost/testing';
import { secretDigest } from './enrolment-check';
import { startGateway, type RunningGateway } from './start-gateway';
import { fleetEvents } from './testing/fleet-fixture';
import { postOpamp, testDescription, UpgradeRefused, WsTestAgent } from './testing/opamp-test-agent';

const secret = (c: string): string => c.repeat(43);
const edgeDescription = { ...testDescription('edge-agent'), identifyingAttributes: [...(testDescription('edge-agent')?.identifyingAttributes ?? []), { key: 'service.environment', value: { stringValue: 'edge' } }] };
const fullState = { agentDescription: edgeDescription, remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(0), status: 1 } };

/** The status and body an upgrade request gets (a refused one has its reason as body). */
function upgrade(url: string, authorization: string | undefined): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    if (authorization !== undefined) headers['Authorization'] = authorization;
    const req = request(url.replace('ws://', 'http://'), { headers });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body: '' });
    });
    req.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gateway: enrolment tokens at the door (in-memory platform)', () => {
  let platform: Platform;
  let bucket: KeyValueStore;
  let gateway: RunningGateway;
  const agents: WsTestAgent[] = [];

  const put = async (id: string, fields: Partial<EnrolmentTokenRecord> = {}, secretChar = 'a'): Promise<string> => {
    const now = Date.now();
    const record: EnrolmentTokenRecord = {
      id,
      name: `token ${id}`,
      scope: { kind: 'group', group: 'edge' },
      secretSha256: secretDigest(secret(secretChar)).toString('hex'),
      createdAt: now,
      createdBy: 'test',
      expiresAt: now + 600_000,
      revokedAt: null,
      revokedBy: null,
      issuedFrom: null,
      ...fields,
    };
    await bucket.put(id, enrolmentTokenRecordContract.encode(record));
    return enrolmentTokenText(id, secret(secretChar));
  };
  const revoke = async (id: string): Promise<void> => {
    const entry = await bucket.get(id);
    const record = enrolmentTokenRecordContract.decode(entry!.value);
    await bucket.put(id, enrolmentTokenRecordContract.encode({ ...record, revokedAt: Date.now(), revokedBy: 'test' }));
  };
  const connect = async (token: string): Promise<WsTestAgent> => {
    const agent = await WsTestAgent.connect(gateway.url, randomUUID(), { headers: { Authorization: `Bearer ${token}` } });
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    platform = createMemoryPlatform();
    bucket = await platform.kv.open(BUCKETS.enrolmentTokens.name);
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-enrol', bearerToken: 'shared', heartbeatIntervalSeconds: null }, platform);
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
  });

  afterAll(async () => {
    await gateway.stop();
    await platform.close();
  });

  it('refuses bad tokens at the upgrade and at the HTTP request with 401 and the reason, and keeps serving', async () => {
    await put('0123456789abcdef');
    const cases: [string | undefined, string][] = [
      [undefined, 'a token is required: send Authorization: Bearer <token>'],
      ['Basic c2hhcmVk', 'Authorization must be "Bearer <token>"'],
      ['Bearer not-the-shared-one', 'the bearer token is not one this gateway accepts'],
      ['Bearer roost_et_0123', 'malformed enrolment token: expected roost_et_<16 hex id>_<43-character secret>'],
      [`Bearer roost_et_0123456789abcdef_${secret('b')}`, 'unknown enrolment token 0123456789abcdef (no such id, or not its secret)'],
      [`Bearer roost_et_fedcba9876543210_${secret('a')}`, 'unknown enrolment token fedcba9876543210 (no such id, or not its secret)'],
      [`Bearer roost_et_0123456789abcdef_${'é'.repeat(43)}`, 'malformed enrolment token: expected roost_et_<16 hex id>_<43-character secret>'],
    ];
    const body = encodeAgentToServer({ instanceUid: instanceUidToBytes(randomUUID()) });
    for (const [authorization, reason] of cases) {
      const refused = await upgrade(gateway.url, authorization);
      expect({ status: refused.status, body: refused.body }).toEqual({ status: 401, body: reason });
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="roost", error="invalid_token"');
      const posted = await postOpamp(gateway.httpUrl, body, { headers: authorization === undefined ? {} : { Authorization: authorization } });
      expect({ status: posted.status, body: posted.body.toString() }).toEqual({ status: 401, body: reason });
    }
    const agent = await connect(await put('00000000000000c1'));
    expect((await agent.exchange(fullState)).instanceUid).toBeDefined();
  });

  it('records the token on the agent in its fleet event, over WebSocket and HTTP', async () => {
    const token = await put('00000000000000c2');
    const agent = await connect(token);
    await agent.exchange(fullState);
    const connected = await eventually(async () => (await fleetEvents(platform, agent.agentId)).find((e) => e.type === 'connected'), { what: 'connected' });
    expect(connected.snapshot.enrolment).toEqual({ tokenId: '00000000000000c2', name: 'token 00000000000000c2', issuedFrom: null });
    const httpAgent = randomUUID();
    const posted = await postOpamp(gateway.httpUrl, encodeAgentToServer({ instanceUid: instanceUidToBytes(httpAgent), sequenceNum: Long.fromNumber(0, true), capabilities: Long.fromNumber(1, true), ...fullState }), { headers: { Authorization: `Bearer ${token}` } });
    expect(posted.status).toBe(200);
    const httpConnected = await eventually(async () => (await fleetEvents(platform, httpAgent)).find((e) => e.type === 'connected'), { what: 'HTTP connected' });
    expect(httpConnected.snapshot.enrolment?.tokenId).toBe('00000000000000c2');
  });

  it('closes with 1008 every socket that showed a token when it is revoked, before or after its first message, and those of tokens issued from it', async () => {
    const parent = await put('00000000000000d1');
    const child = await put('00000000000000d2', { scope: { kind: 'agent', agentId: '0190b7f8-bb85-72b5-8942-8533325b988a' }, issuedFrom: '00000000000000d1' }, 'c');
    const other = await put('00000000000000d3');
    const silent = await connect(parent);
    const spoke = await connect(parent);
    await spoke.exchange(fullState);
    const issued = await WsTestAgent.connect(gateway.url, '0190b7f8-bb85-72b5-8942-8533325b988a', { headers: { Authorization: `Bearer ${child}` } });
    agents.push(issued);
    await issued.exchange(fullState);
    const bystander = await connect(other);
    await bystander.exchange(fullState);
    await revoke('00000000000000d1');
    for (const agent of [silent, spoke, issued]) expect(await agent.closed).toEqual({ code: 1008, reason: 'enrolment token 00000000000000d1 was revoked' });
    // The others go on; the revoked token and those issued from it are refused from now on.
    expect((await bystander.exchange({})).instanceUid).toBeDefined();
    await expect(connect(parent)).rejects.toEqual(expect.objectContaining({ status: 401 }));
    expect((await upgrade(gateway.url, `Bearer ${child}`)).body).toBe('enrolment token 00000000000000d2 was issued from token 00000000000000d1, which was revoked');
    await expect(connect(parent)).rejects.toBeInstanceOf(UpgradeRefused);
  });

  it('refuses to start with both a shared token and enrolment tokens required', async () => {
    await expect(startGateway({ port: 0, host: '127.0.0.1', bearerToken: 'shared', requireEnrolment: true }, platform)).rejects.toThrow('bearerToken and requireEnrolment exclude each other');
  });
});
