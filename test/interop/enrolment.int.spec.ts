/**
 * Agent enrolment tokens with real OpAMP clients: the opamp-go v0.23.0 client (./opamp-go/agent,
 * over WebSocket and plain HTTP) and @elastic/opamp-client-node (plain HTTP), against the
 * gateway, orchestrator, projector and admin API on the in-memory platform. Tokens are made and
 * revoked through the admin API over HTTP, as an operator would.
 *
 * Go is required: without it the driver throws and this suite fails, it never passes silently.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { AgentCapabilities, DIAG_CH_SEND_FAIL, createOpAMPClient } from '@elastic/opamp-client-node';
import { startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { enrolmentIssuedReplyContract, enrolmentCreateRequestContract, subjects } from '@roost/contracts';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { startProjector, type RunningProjector } from '@roost/projector';
import { eventually, sleep } from '@roost/testing';
import { GoAgent, buildGoAgent, type GoAgentEvent, type GoAgentOptions } from './go-agent';

jest.setTimeout(120_000);

type Transport = 'websocket' | 'http';
type OpAMPClient = ReturnType<typeof createOpAMPClient>;
interface Created {
  token: { id: string; name: string };
  secret: string;
}

const SHARED = 'shared-agent-token';

/** A port free now (the handover address must be known before the gateway starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
const is = (name: string, fields: Record<string, unknown> = {}) => (e: GoAgentEvent) => e.event === name && Object.entries(fields).every(([k, v]) => e[k] === v);

describe('interop: enrolment tokens with opamp-go and the Elastic client', () => {
  let platform: Platform;
  let orchestrator: RunningOrchestrator;
  let projector: RunningProjector;
  let api: RunningAdminApi;
  let gateway: RunningGateway;
  const agents: GoAgent[] = [];
  const clients: OpAMPClient[] = [];

  const http = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${api.url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
  const createToken = async (body: Record<string, unknown>): Promise<Created> => {
    const created = await http('POST', '/api/v1/enrolment-tokens', body);
    if (created.status !== 201) throw new Error(`token not made: ${JSON.stringify(created.body)}`);
    return created.body as Created;
  };
  const agentView = (agentId: string) => http('GET', `/api/v1/agents/${agentId}`);
  const refusedTotal = async (reason: string): Promise<number> => {
    const text = await (await fetch(`${gateway.httpUrl.replace('/v1/opamp', '')}/metrics`)).text();
    return Number(new RegExp(`roost_gateway_refused_total\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  const startAgent = async (transport: Transport, token: string, environment: string, options: Partial<GoAgentOptions> = {}): Promise<GoAgent> => {
    const agent = await GoAgent.start({
      server: transport === 'websocket' ? gateway.url : gateway.httpUrl,
      instanceUid: randomUUID(),
      heartbeatMs: 500,
      labels: { 'service.environment': environment },
      headers: { Authorization: `Bearer ${token}` },
      ...options,
    });
    agents.push(agent);
    return agent;
  };

  const connectedWith = (agentId: string, tokenId: string) =>
    eventually(
      async () => {
        const view = await agentView(agentId);
        return view.status === 200 && view.body.connected === true && view.body.enrolment?.tokenId === tokenId && view.body;
      },
      { timeoutMs: 15_000, what: `agent ${agentId} connected with token ${tokenId}` },
    );

  beforeAll(async () => {
    await buildGoAgent();
    platform = createMemoryPlatform();
    orchestrator = await startOrchestrator({}, platform);
    projector = await startProjector({}, platform);
    api = await startAdminApi({ httpPort: 0, grpcPort: null }, platform);
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-enrolment', bearerToken: SHARED, heartbeatIntervalSeconds: 1, pingIntervalMs: 1_000 }, platform);
    await eventually(() => orchestrator.isLeader(), { what: 'the orchestrator to lead' });
  }, 300_000);

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
    await Promise.all(clients.splice(0).map((client) => client.shutdown()));
  });

  afterAll(async () => {
    await gateway?.stop();
    await api?.stop();
    await projector?.stop();
    await orchestrator?.stop();
    await platform?.close();
  });

  describe.each<Transport>(['websocket', 'http'])('opamp-go over %s', (transport) => {
    it('connects with a group token; the agent API shows which token it used', async () => {
      const edge = await createToken({ name: `edge ${transport}`, group: 'edge' });
      const agent = await startAgent(transport, edge.secret, 'edge');
      await agent.waitFor(is('connected'));
      const uid = (agent.events.find(is('started'))?.['uid'] ?? '') as string;
      const view = await connectedWith(uid, edge.token.id);
      expect(view.enrolment).toEqual({ tokenId: edge.token.id, name: `edge ${transport}`, issuedFrom: null });
      expect(view.group).toBe('edge');
    });

    it('is refused when it says it belongs to another group than its token\u2019s: 1008 on WebSocket, 403 over HTTP', async () => {
      const edge = await createToken({ name: 'edge only', group: 'edge' });
      const before = await refusedTotal('out_of_scope');
      const agent = await startAgent(transport, edge.secret, 'prod');
      if (transport === 'websocket') {
        const closed = await agent.waitFor(is('ws_closed', { by: 'server' }), { timeoutMs: 15_000 });
        expect(closed).toMatchObject({ code: 1008, reason: 'enrolment token is for group edge; the agent says service.environment=prod' });
      } else {
        await agent.waitFor(is('http_status', { status: 403 }), { timeoutMs: 15_000 });
      }
      expect(await refusedTotal('out_of_scope')).toBeGreaterThan(before);
      const uid = agent.events.find(is('started'))?.['uid'] as string;
      // Nothing was kept of it: no fleet event, no view.
      await sleep(500);
      expect((await agentView(uid)).status).toBe(404);
    });

    it('is disconnected when its token is revoked, and its reconnects are refused with 401', async () => {
      const edge = await createToken({ name: 'to revoke', group: 'edge' });
      const agent = await startAgent(transport, edge.secret, 'edge');
      const uid = agent.events.find(is('started'))?.['uid'] as string;
      await connectedWith(uid, edge.token.id);
      const mark = agent.mark();
      expect((await http('POST', `/api/v1/enrolment-tokens/${edge.token.id}/revoke`, {})).status).toBe(200);
      if (transport === 'websocket') {
        const closed = await agent.waitFor(is('ws_closed', { by: 'server' }), { from: mark, timeoutMs: 10_000 });
        expect(closed).toMatchObject({ code: 1008, reason: `enrolment token ${edge.token.id} was revoked` });
        await agent.waitFor(is('upgrade_refused', { status: 401 }), { from: mark, timeoutMs: 20_000 });
      } else {
        await agent.waitFor(is('http_status', { status: 401 }), { from: mark, timeoutMs: 10_000 });
      }
      await eventually(async () => (await agentView(uid)).body?.connected === false, { timeoutMs: 10_000, what: 'the agent shown disconnected' });
    });
  });

  it('refuses an expired token with 401 at the WebSocket upgrade', async () => {
    // Made through the orchestrator's command, which takes any lifetime (the API asks for a minute at least).
    const reply = await platform.bus.request(
      subjects.enrolmentCommand('create'),
      enrolmentCreateRequestContract.encode({ name: 'short-lived', scope: { kind: 'group', group: 'edge' }, ttlMs: 1_000, actor: 'test' }),
      { timeoutMs: 5_000 },
    );
    const issued = enrolmentIssuedReplyContract.decode(reply);
    if (!issued.ok) throw new Error(issued.error.message);
    await sleep(1_200);
    const before = await refusedTotal('unauthorised');
    const agent = await startAgent('websocket', issued.result.secret, 'edge');
    await agent.waitFor(is('upgrade_refused', { status: 401 }), { timeoutMs: 10_000 });
    expect(await refusedTotal('unauthorised')).toBeGreaterThan(before);
    const answer = await fetch(gateway.httpUrl, { method: 'POST', headers: { authorization: `Bearer ${issued.result.secret}`, 'content-type': 'application/x-protobuf' }, body: new Uint8Array(0) });
    expect(answer.status).toBe(401);
    expect(await answer.text()).toMatch(new RegExp(`^enrolment token ${issued.result.token.id} expired at \\d{4}-`));
  });

  it('still admits an agent with the shared token, recording no enrolment token on it', async () => {
    const agent = await startAgent('websocket', SHARED, 'edge');
    const uid = agent.events.find(is('started'))?.['uid'] as string;
    const view = await eventually(async () => {
      const answer = await agentView(uid);
      return answer.status === 200 && answer.body.connected === true && answer.body;
    }, { what: 'the agent connected' });
    expect(view.enrolment).toBeNull();
  });

  it('works with the Elastic client over HTTP: a group token admits it, another group is refused with 403', async () => {
    const staging = await createToken({ name: 'staging (elastic)', group: 'staging' });
    const failures: string[] = [];
    const onFail = (message: unknown): void => void failures.push(String((message as { err?: unknown }).err ?? JSON.stringify(message)));
    subscribe(DIAG_CH_SEND_FAIL, onFail);
    try {
      const start = (environment: string): string => {
        const instanceUid = randomUUID();
        const client = createOpAMPClient({
          endpoint: gateway.httpUrl,
          instanceUid,
          capabilities: BigInt(Number(AgentCapabilities['AgentCapabilities_ReportsStatus'])),
          heartbeatIntervalSeconds: 0.1,
          diagEnabled: true,
          headers: { authorization: `Bearer ${staging.secret}` },
        });
        client.setAgentDescription({ identifyingAttributes: { 'service.name': 'elastic', 'service.environment': environment }, nonIdentifyingAttributes: {} });
        client.start();
        clients.push(client);
        return instanceUid;
      };
      const admitted = start('staging');
      const view = await connectedWith(admitted, staging.token.id);
      expect(view.enrolment).toMatchObject({ tokenId: staging.token.id, name: 'staging (elastic)' });
      const refused = start('prod');
      await eventually(() => failures.some((failure) => failure.includes('statusCode=403')), { timeoutMs: 10_000, what: 'a 403 for the client of another group' });
      expect((await agentView(refused)).status).toBe(404);
    } finally {
      unsubscribe(DIAG_CH_SEND_FAIL, onFail);
    }
  });

  describe('token handover to agents that accept OpAMP connection settings', () => {
    let handing: RunningGateway;

    beforeAll(async () => {
      const port = await freePort();
      handing = await startGateway(
        { port, host: '127.0.0.1', gatewayId: 'gw-handover', heartbeatIntervalSeconds: 1, tokenHandover: { url: `ws://127.0.0.1:${port}/v1/opamp`, ttlSeconds: 3_600 } },
        platform,
      );
    });

    afterAll(async () => {
      await handing?.stop();
    });

    const startAccepting = async (transport: Transport, token: string, uid: string = randomUUID()): Promise<GoAgent> => {
      const agent = await GoAgent.start({
        server: transport === 'websocket' ? handing.url : handing.httpUrl,
        instanceUid: uid,
        heartbeatMs: 500,
        labels: { 'service.environment': 'edge' },
        headers: { Authorization: `Bearer ${token}` },
        acceptsOpampConnectionSettings: true,
      });
      agents.push(agent);
      return agent;
    };

    it.each<Transport>(['websocket', 'http'])('over %s, hands an agent on a group token a token of its own; it reconnects with it, and revoking the group token cuts it too', async (transport) => {
      const edge = await createToken({ name: `edge handover ${transport}`, group: 'edge' });
      const agent = await startAccepting(transport, edge.secret);
      const uid = agent.events.find(is('started'))?.['uid'] as string;
      const offer = await agent.waitFor(is('opamp_connection_settings'), { timeoutMs: 15_000 });
      expect(offer).toMatchObject({ endpoint: transport === 'websocket' ? handing.url : handing.httpUrl, heartbeat_seconds: 1, has_ca_cert: false });
      const bearer = String((offer['headers'] as Record<string, string>)['Authorization']);
      expect(bearer).toMatch(/^Bearer roost_et_[0-9a-f]{16}_[-_A-Za-z0-9]{43}$/);
      const ownId = bearer.slice('Bearer roost_et_'.length, 'Bearer roost_et_'.length + 16);
      // It reconnected with the token handed over: the agent API shows it, issued from the group token.
      const view = await connectedWith(uid, ownId);
      expect(view.enrolment).toEqual({ tokenId: ownId, name: `edge handover ${transport} (agent ${uid})`, issuedFrom: edge.token.id });
      const issued = (await http('GET', `/api/v1/enrolment-tokens?issuedFrom=${edge.token.id}`)).body;
      expect(issued.items).toEqual([expect.objectContaining({ id: ownId, scope: { kind: 'agent', agentId: uid }, createdBy: 'gateway gw-handover', state: 'active' })]);
      // Only once: the agent is not handed another token on its new connection.
      await sleep(1_500);
      expect(agent.events.filter(is('opamp_connection_settings'))).toHaveLength(1);

      const mark = agent.mark();
      expect((await http('POST', `/api/v1/enrolment-tokens/${edge.token.id}/revoke`, {})).status).toBe(200);
      if (transport === 'websocket') {
        expect(await agent.waitFor(is('ws_closed', { by: 'server' }), { from: mark, timeoutMs: 10_000 })).toMatchObject({ code: 1008, reason: `enrolment token ${edge.token.id} was revoked` });
        await agent.waitFor(is('upgrade_refused', { status: 401 }), { from: mark, timeoutMs: 20_000 });
      } else {
        await agent.waitFor(is('http_status', { status: 401 }), { from: mark, timeoutMs: 10_000 });
      }
    });

    it('renews an agent token in the last third of its life', async () => {
      const uid = randomUUID();
      const short = await createToken({ name: 'host-9', agentId: uid, ttlMs: 10 * 60_000 });
      const agent = await startAccepting('websocket', short.secret, uid);
      const offer = await agent.waitFor(is('opamp_connection_settings'), { timeoutMs: 15_000 });
      const renewedId = String((offer['headers'] as Record<string, string>)['Authorization']).slice('Bearer roost_et_'.length, 'Bearer roost_et_'.length + 16);
      expect(renewedId).not.toBe(short.token.id);
      const view = await connectedWith(uid, renewedId);
      expect(view.enrolment).toEqual({ tokenId: renewedId, name: 'host-9', issuedFrom: short.token.id });
    });

    it('hands nothing to an agent that does not accept OpAMP connection settings', async () => {
      const edge = await createToken({ name: 'edge, no handover', group: 'edge' });
      const agent = await startAgent('websocket', edge.secret, 'edge', { server: handing.url });
      const uid = agent.events.find(is('started'))?.['uid'] as string;
      await connectedWith(uid, edge.token.id);
      await sleep(1_500);
      expect(agent.events.filter(is('opamp_connection_settings'))).toHaveLength(0);
      expect((await http('GET', `/api/v1/enrolment-tokens?issuedFrom=${edge.token.id}`)).body.total).toBe(0);
    });
  });
});
