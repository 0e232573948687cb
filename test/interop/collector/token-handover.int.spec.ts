/**
 * Token handover with a real OpenTelemetry Collector v0.149.0 under the real opampsupervisor
 * (accepts_opamp_connection_settings): it connects over WebSocket with a group enrolment token,
 * is handed a token of its own in a ConnectionSettingsOffers.opamp, reconnects with it (the
 * admin API shows the new token on the agent), and is cut off when the group token is revoked.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { eventually } from '@roost/testing';
import { collectorBinaries, SupervisedCollector, startRoostUnderTest, type CollectorBinaries, type RoostUnderTest } from './index';

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

describe('token handover to a collector under the opampsupervisor', () => {
  let binaries: CollectorBinaries;
  let roost: RoostUnderTest;
  let collector: SupervisedCollector | undefined;

  beforeAll(async () => {
    binaries = await collectorBinaries();
    const port = await freePort();
    roost = await startRoostUnderTest({ port, tokenHandover: { url: `ws://127.0.0.1:${port}/v1/opamp`, ttlSeconds: 3_600 } });
  }, 600_000);

  afterAll(async () => {
    await collector?.stop();
    await roost?.stop();
  });

  it('reconnects with the token it is handed, and is cut off when the token it came with is revoked', async () => {
    const group = await roost.api.request('POST', '/enrolment-tokens', { name: 'supervised', group: 'supervised' });
    const uid = randomUUID();
    collector = SupervisedCollector.start({
      binaries,
      serverUrl: roost.wsUrl,
      instanceUid: uid,
      group: 'supervised',
      ports: {},
      headers: { Authorization: `Bearer ${group['secret']}` },
      acceptsOpampConnectionSettings: true,
    });
    const handedOver = await eventually(
      async () => {
        const agent = await roost.api.agent(uid).catch(() => null);
        return agent !== null && agent['connected'] === true && agent['enrolment']?.issuedFrom === group['token'].id && agent;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `the supervisor to reconnect with a token of its own\n${collector.logTail(30)}` },
    );
    expect(handedOver['enrolment']).toMatchObject({ name: `supervised (agent ${uid})` });
    expect(handedOver['enrolment'].tokenId).not.toBe(group['token'].id);

    await roost.api.request('POST', `/enrolment-tokens/${group['token'].id}/revoke`, {});
    await eventually(async () => (await roost.api.agent(uid))['connected'] === false, { timeoutMs: 20_000, what: 'the collector cut off' });
    // Its reconnects are refused: it stays disconnected.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await roost.api.agent(uid))['connected']).toBe(false);
    expect(collector.logTail(200)).toMatch(/401/);
  }, 120_000);
});
