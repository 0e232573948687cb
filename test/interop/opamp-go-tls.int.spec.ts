/**
 * The official Go client (opamp-go v0.23.0) against the gateway over TLS with client
 * certificates (mTLS), on certificates openssl makes for the test: over wss:// and https:// it
 * connects and applies its desired config; without a client certificate it cannot connect.
 *
 * Go is required: without it the driver throws and this suite fails, it never passes silently.
 */
import { randomUUID } from 'node:crypto';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { setDesired, storeConfig } from '@roost/gateway/testing';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { createTestPki, sleep, type TestPki } from '@roost/testing';
import { GoAgent, buildGoAgent, type GoAgentEvent } from './go-agent';

const is = (name: string, fields: Record<string, unknown> = {}) => (e: GoAgentEvent) => e.event === name && Object.entries(fields).every(([k, v]) => e[k] === v);

describe('interop: opamp-go over TLS with client certificates', () => {
  let pki: TestPki;
  let platform: Platform;
  let gateway: RunningGateway;
  const agents: GoAgent[] = [];

  beforeAll(async () => {
    await buildGoAgent();
    pki = createTestPki();
    platform = createMemoryPlatform();
    const tls = { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, clientCaFile: pki.caFile };
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-go-tls', heartbeatIntervalSeconds: 1, tls }, platform);
  }, 300_000);

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  });

  afterAll(async () => {
    await gateway?.stop();
    await platform?.close();
    pki?.remove();
  });

  it.each([
    ['wss', () => gateway.url],
    ['https', () => gateway.httpUrl],
  ])('connects over %s with its certificate and applies its desired config', async (_scheme, url) => {
    const uid = randomUUID();
    const hash = await storeConfig(platform, `receivers: {otlp: {}}\n# over ${_scheme}\n`);
    await setDesired(platform, [uid], hash);
    const agent = await GoAgent.start({ server: url(), instanceUid: uid, heartbeatMs: 1_000, tap: false, caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile });
    agents.push(agent);
    await agent.waitFor(is('connected'));
    expect((await agent.waitFor(is('remote_config_received')))['hash']).toBe(hash);
    await agent.waitFor(is('status_reported', { hash, status: 'APPLIED', reported: true }));
  });

  it('cannot connect without a client certificate', async () => {
    const agent = await GoAgent.start({ server: gateway.url, instanceUid: randomUUID(), heartbeatMs: 1_000, tap: false, caFile: pki.caFile });
    agents.push(agent);
    await agent.waitFor(is('connect_failed'), { timeoutMs: 10_000 });
    await sleep(500);
    expect(agent.eventsSince(0, 'connected')).toHaveLength(0);
  });
});
