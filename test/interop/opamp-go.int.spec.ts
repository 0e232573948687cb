/**
 * Interop with the official Go client: github.com/open-telemetry/opamp-go v0.23.0 (the agent in
 * ./opamp-go/agent) against the gateway on the in-memory platform, over WebSocket and plain HTTP.
 * The agent relays through its own wire tap, so these tests see every message on the wire.
 *
 * Go is required: without it the driver throws and this suite fails, it never passes silently.
 */
import { randomUUID } from 'node:crypto';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { eventually, sleep } from '@roost/testing';
import { fleetEvents, nudge, setDesired, storeConfig } from '@roost/gateway/testing';
import { GoAgent, buildGoAgent, type GoAgentEvent, type GoAgentOptions } from './go-agent';

const REPORT_FULL_STATE = 0x1;
const REJECT = 'REJECT-ME';
/** The status sub-messages a compressed report leaves out when nothing changed. */
const STATUS_FIELDS = ['agent_description', 'effective_config', 'health', 'remote_config_status'];

type Transport = 'websocket' | 'http';

const is = (name: string, fields: Record<string, unknown> = {}) => (e: GoAgentEvent) =>
  e.event === name && Object.entries(fields).every(([k, v]) => e[k] === v);
const fields = (e: GoAgentEvent) => e['fields'] as string[];

describe('interop: opamp-go v0.23.0 client', () => {
  let platform: Platform;
  let gateway: RunningGateway;
  const agents: GoAgent[] = [];

  beforeAll(async () => {
    await buildGoAgent();
    platform = createMemoryPlatform();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-opamp-go', heartbeatIntervalSeconds: 1 }, platform);
  }, 300_000);

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  });

  afterAll(async () => {
    await gateway?.stop();
    await platform?.close();
  });

  const start = async (transport: Transport, options: Partial<GoAgentOptions> = {}): Promise<GoAgent> => {
    const agent = await GoAgent.start({
      server: transport === 'websocket' ? gateway.url : gateway.httpUrl,
      instanceUid: randomUUID(),
      rejectMarker: REJECT,
      heartbeatMs: 1_000,
      labels: { 'service.environment': 'interop' },
      ...options,
    });
    agents.push(agent);
    return agent;
  };

  const eventsOf = async (agentId: string) => fleetEvents(platform, agentId);

  describe.each<Transport>(['websocket', 'http'])('over %s', (transport) => {
    it('connects, reports its description and is answered with its uid and the server capabilities', async () => {
      const uid = randomUUID();
      const agent = await start(transport, { instanceUid: uid });
      await agent.waitFor(is('connected'));
      const reply = await agent.waitFor(is('received'));
      expect(reply['uid']).toBe(uid);
      expect(Number(reply['capabilities']) & 0x3).toBe(0x3);
      expect(Number(reply['flags']) & REPORT_FULL_STATE).toBe(0);
      const connected = await eventually(async () => (await eventsOf(uid)).find((e) => e.type === 'connected'), { what: 'connected event' });
      expect(connected.snapshot).toMatchObject({
        gatewayId: 'gw-opamp-go',
        transport,
        connected: true,
        identifying: { 'service.name': 'roost-interop-agent', 'service.environment': 'interop' },
        health: { healthy: true },
      });
    });

    it('receives its desired config, reports it APPLIED with the new effective config, and is not offered it again', async () => {
      const uid = randomUUID();
      const hash = await storeConfig(platform, `receivers: {otlp: {}}\n# ${transport} good\n`);
      await setDesired(platform, [uid], hash);
      const agent = await start(transport, { instanceUid: uid });

      const offered = await agent.waitFor(is('remote_config_received'));
      expect(offered['hash']).toBe(hash);
      await agent.waitFor(is('status_reported', { hash, status: 'APPLIED', reported: true }));
      await eventually(
        async () => (await eventsOf(uid)).some((e) => e.snapshot.remoteConfigStatus?.status === 'APPLIED' && e.snapshot.remoteConfigStatus.hash === hash),
        { what: 'APPLIED fleet event' },
      );
      // opamp-go may send the status and the effective config in one message or two
      await eventually(async () => (await eventsOf(uid)).at(-1)?.snapshot.effectiveConfigHash === hash, { what: 'effective config of the new hash' });

      const mark = agent.mark();
      await agent.waitFor(is('sent'), { from: agent.mark(), timeoutMs: 5_000 }); // a heartbeat or poll goes by
      await sleep(1_500);
      expect(agent.eventsSince(0, 'remote_config_received')).toHaveLength(1);
      expect(agent.eventsSince(mark, 'received').filter((e) => e['remote_config_hash'])).toEqual([]);
    });

    it('reports a config it rejects FAILED with the reason, and the gateway does not offer that config again', async () => {
      const uid = randomUUID();
      const good = await storeConfig(platform, `receivers: {otlp: {}}\n# ${transport} before the bad one\n`);
      const bad = await storeConfig(platform, `receivers: {otlp: {}}\n# ${REJECT} ${transport}\n`);
      await setDesired(platform, [uid], good);
      const agent = await start(transport, { instanceUid: uid });
      await agent.waitFor(is('status_reported', { hash: good, status: 'APPLIED' }));

      await setDesired(platform, [uid], bad);
      nudge(platform, gateway.gatewayId, [uid]);
      const failed = await agent.waitFor(is('status_reported', { hash: bad, status: 'FAILED' }));
      expect(failed['error_message']).toContain(REJECT);
      const event = await eventually(
        async () => (await eventsOf(uid)).find((e) => e.snapshot.remoteConfigStatus?.status === 'FAILED'),
        { what: 'FAILED fleet event' },
      );
      expect(event.snapshot.remoteConfigStatus).toMatchObject({ hash: bad, errorMessage: expect.stringContaining(REJECT) });
      expect(event.snapshot.effectiveConfigHash).toBe(good);

      nudge(platform, gateway.gatewayId, [uid]);
      await gateway.idle();
      await sleep(2_500); // two heartbeats / polls
      expect(agent.eventsSince(0, 'remote_config_received').map((e) => e['hash'])).toEqual([good, bad]);
    });

    it('after a restart with its saved status (same uid, new client), is not sent the config it already applied', async () => {
      const uid = randomUUID();
      const hash = await storeConfig(platform, `receivers: {otlp: {}}\n# ${transport} restart\n`);
      await setDesired(platform, [uid], hash);
      const agent = await start(transport, { instanceUid: uid });
      await agent.waitFor(is('status_reported', { hash, status: 'APPLIED' }));
      await agent.waitFor((e) => e.event === 'sent' && (e['remote_config_status'] as { status?: string } | undefined)?.status === 'APPLIED');

      const mark = agent.mark();
      agent.send('restart');
      const restarted = await agent.waitFor(is('started', { generation: 2 }), { from: mark });
      expect(restarted['remote_config_status']).toMatchObject({ hash, status: 'APPLIED' });
      // the new client's first message is a full report (the old one's last may still be in flight)
      const first = await agent.waitFor((e) => e.event === 'sent' && fields(e).includes('agent_description'), { from: mark });
      expect(first['seq']).toBe(0);
      expect(first['remote_config_status']).toMatchObject({ hash, status: 'APPLIED' });
      const reply = await agent.waitFor(is('received'), { from: agent.events.indexOf(first) + 1 });
      expect(reply['remote_config_hash']).toBeUndefined();
      await sleep(1_500);
      expect(agent.eventsSince(mark, 'remote_config_received')).toEqual([]);
    });

    it('honours RequestInstanceUid: adopts the uid the gateway assigns and reports under it', async () => {
      const temporary = randomUUID();
      const agent = await start(transport, { instanceUid: temporary, requestInstanceUid: true });
      const first = await agent.waitFor(is('sent'));
      expect(Number(first['flags']) & 0x1).toBe(0x1);
      const assigned = await agent.waitFor(is('new_instance_uid'));
      expect(assigned['previous']).toBe(temporary);
      const uid = assigned['uid'] as string;
      expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const next = await agent.waitFor((e) => e.event === 'sent' && e['uid'] === uid);
      expect(Number(next['flags']) & 0x1).toBe(0);
      await eventually(async () => (await eventsOf(uid)).some((e) => e.type === 'connected' && e.snapshot.connected), {
        what: 'connected event under the assigned uid',
      });
    });
  });

  it('over websocket, reconnects after a dropped connection with continued sequence numbers and omitted status, and keeps its state', async () => {
    const uid = randomUUID();
    const hash = await storeConfig(platform, 'receivers: {otlp: {}}\n# reconnect\n');
    await setDesired(platform, [uid], hash);
    const agent = await start('websocket', { instanceUid: uid, heartbeatMs: 0 });
    // quiet first: status and effective config sent (in one message or two) and answered
    await eventually(async () => (await eventsOf(uid)).at(-1)?.snapshot.effectiveConfigHash === hash, { what: 'APPLIED and effective config' });
    await sleep(300);
    const lastSeq = Math.max(...agent.eventsSince(0, 'sent').map((e) => Number(e['seq'])));

    const mark = agent.mark();
    agent.send('drop');
    const reconnected = await agent.waitFor(is('sent', { connection: 2 }), { from: mark });
    expect(reconnected['seq']).toBe(lastSeq + 1);
    expect(fields(reconnected).filter((f) => STATUS_FIELDS.includes(f))).toEqual([]);
    const reply = await agent.waitFor(is('received', { connection: 2 }), { from: mark });
    expect(Number(reply['flags']) & REPORT_FULL_STATE).toBe(0);
    expect(reply['remote_config_hash']).toBeUndefined();

    const types = await eventually(
      async () => {
        const found = (await eventsOf(uid)).map((e) => e.type);
        return found.filter((t) => t === 'connected').length === 2 && found;
      },
      { what: 'connected again after the drop' },
    );
    expect(types.filter((t) => t === 'connected' || t === 'disconnected')).toEqual(['connected', 'disconnected', 'connected']);
    const latest = (await eventsOf(uid)).at(-1)!;
    expect(latest.snapshot).toMatchObject({ connected: true, remoteConfigStatus: { hash, status: 'APPLIED' }, identifying: { 'service.environment': 'interop' } });
    expect(agent.eventsSince(0, 'remote_config_received')).toHaveLength(1);
  });

  it('over http, polls with continued sequence numbers and compressed status, never asked for full state', async () => {
    const uid = randomUUID();
    const agent = await start('http', { instanceUid: uid });
    await agent.waitFor(is('connected'));
    await eventually(() => agent.eventsSince(0, 'sent').length >= 4, { timeoutMs: 10_000, what: 'four messages' });
    const sent = agent.eventsSince(0, 'sent');
    expect(sent.map((e) => Number(e['seq']))).toEqual(sent.map((_, i) => i));
    expect(fields(sent[0]!)).toEqual(expect.arrayContaining(['agent_description', 'health', 'remote_config_status']));
    for (const poll of sent.slice(1)) expect(fields(poll).filter((f) => STATUS_FIELDS.includes(f))).toEqual([]);
    expect(agent.eventsSince(0, 'received').filter((e) => Number(e['flags']) & REPORT_FULL_STATE)).toEqual([]);
  });
});
