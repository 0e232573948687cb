/**
 * The OpAMP port over TLS and mTLS, with certificates made for the test by openssl: WebSocket
 * (`ws`) and plain HTTP (Node's https and curl) agents, clients without or with a stranger's
 * certificate refused at the handshake, the client certificate's identity on the agent's fleet
 * events (a plain-HTTP agent showing another one is announced again), a renewed certificate
 * served without a restart, and unusable files refused at start with the setting named.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeAgentToServer, instanceUidToBytes, decodeServerToAgent } from '@roost/opamp';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { fleetEvents, HttpTestAgent, WsTestAgent, testDescription } from '@roost/gateway/testing';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { createTestPki, eventually, type TestPki } from '@roost/testing';
import { curl, servedFingerprint } from '../support/tls-clients';

const nonEmpty = <T>(items: T[]): T[] | undefined => (items.length > 0 ? items : undefined);

describe('the OpAMP port over TLS', () => {
  let pki: TestPki;
  let platform: Platform;
  const gateways: RunningGateway[] = [];
  const start = async (clientCa: boolean): Promise<RunningGateway> => {
    const tls = { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, ...(clientCa ? { clientCaFile: pki.caFile } : {}) };
    const gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: `gw-tls-${gateways.length}`, tls, tlsReloadIntervalMs: 100 }, platform);
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(() => {
    pki = createTestPki();
    platform = createMemoryPlatform();
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await platform.close();
    pki.remove();
  });

  it('serves agents over wss:// and https:// and refuses plain text on the same port', async () => {
    const gateway = await start(false);
    expect(gateway.url).toMatch(/^wss:\/\//);
    expect(gateway.httpUrl).toMatch(/^https:\/\//);
    const ca = pki.read(pki.caFile);

    const ws = await WsTestAgent.connect(gateway.url, randomUUID(), { tls: { ca } });
    const reply = await ws.exchange({ agentDescription: testDescription('over-wss') });
    expect(Buffer.from(reply.instanceUid).toString('hex')).toBe(ws.agentId.replace(/-/g, ''));
    await ws.close();

    const http = await new HttpTestAgent(gateway.httpUrl, randomUUID()).exchange({ agentDescription: testDescription('over-https') }, { tls: { ca } });
    expect(http.status).toBe(200);

    const uid = randomUUID();
    const body = Buffer.from(encodeAgentToServer({ instanceUid: instanceUidToBytes(uid), agentDescription: testDescription('curl') }));
    const byCurl = await curl(['--cacert', pki.caFile, '-H', 'Content-Type: application/x-protobuf', '--data-binary', '@-', gateway.httpUrl], body);
    expect(byCurl.stderr).toBe('');
    expect(Buffer.from(decodeServerToAgent(byCurl.stdout).instanceUid).toString('hex')).toBe(uid.replace(/-/g, ''));

    const untrusted = await curl([gateway.httpUrl.replace('/v1/opamp', '/healthz')]);
    expect(untrusted.code).toBe(60); // curl: peer certificate cannot be authenticated
    const plain = await WsTestAgent.connect(gateway.url.replace('wss:', 'ws:'), randomUUID()).then(
      () => 'connected',
      (error: Error) => error.message,
    );
    expect(plain).not.toBe('connected');
  });

  it('requires a certificate its client CA signed when given one (mTLS)', async () => {
    const gateway = await start(true);
    const ca = pki.read(pki.caFile);
    const agent = await WsTestAgent.connect(gateway.url, randomUUID(), { tls: { ca, cert: pki.read(pki.clientCertFile), key: pki.read(pki.clientKeyFile) } });
    expect((await agent.exchange({ agentDescription: testDescription('mtls'), remoteConfigStatus: {} })).instanceUid).toHaveLength(16);
    const [connected] = await eventually(async () => nonEmpty(await fleetEvents(platform, agent.agentId)), { what: 'the WebSocket agent connected' });
    expect(connected?.snapshot.clientCertificate).toMatchObject({ subject: 'agent-1', issuer: 'Roost test CA', fingerprintSha256: pki.fingerprintOf(pki.clientCertFile) });
    await agent.close();

    const refused = (tls: { ca: Buffer; cert?: Buffer; key?: Buffer }) =>
      WsTestAgent.connect(gateway.url, randomUUID(), { tls }).then(
        () => 'connected',
        () => 'refused',
      );
    expect(await refused({ ca })).toBe('refused');
    expect(await refused({ ca, cert: pki.read(pki.strangerCertFile), key: pki.read(pki.strangerKeyFile) })).toBe('refused');

    // A plain-HTTP agent whose next poll shows another certificate is announced again, with it.
    const poller = new HttpTestAgent(gateway.httpUrl, randomUUID());
    const first = { ca, cert: pki.read(pki.clientCertFile), key: pki.read(pki.clientKeyFile) };
    expect((await poller.exchange({ agentDescription: testDescription('mtls-http'), remoteConfigStatus: {} }, { tls: first })).status).toBe(200);
    expect((await poller.exchange({}, { tls: first })).status).toBe(200);
    expect((await poller.exchange({}, { tls: { ca, cert: pki.read(pki.secondClientCertFile), key: pki.read(pki.secondClientKeyFile) } })).status).toBe(200);
    const announced = await eventually(
      async () => {
        const events = (await fleetEvents(platform, poller.agentId)).filter((event) => event.type === 'connected');
        return events.length === 2 ? events : undefined;
      },
      { what: 'the HTTP agent announced twice' },
    );
    expect(announced.map((event) => event.snapshot.clientCertificate?.subject)).toEqual(['agent-1', 'agent-2']);
    expect(announced[1]?.snapshot.clientCertificate).toMatchObject({ subjectAltNames: [], fingerprintSha256: pki.fingerprintOf(pki.secondClientCertFile) });

    const withCert = await curl(['--cacert', pki.caFile, '--cert', pki.clientCertFile, '--key', pki.clientKeyFile, gateway.httpUrl.replace('/v1/opamp', '/healthz')]);
    expect(JSON.parse(withCert.stdout.toString())).toEqual({ status: 'ok' });
    const withoutCert = await curl(['--cacert', pki.caFile, gateway.httpUrl.replace('/v1/opamp', '/healthz')]);
    expect(withoutCert.code).not.toBe(0);
  });

  it('serves a renewed certificate to new connections without a restart, and keeps the old one when the new files do not load', async () => {
    const gateway = await start(false);
    const ca = pki.read(pki.caFile);
    const connected = await WsTestAgent.connect(gateway.url, randomUUID(), { tls: { ca } });
    await connected.exchange({ agentDescription: testDescription('before-renewal') });

    const renewed = pki.renewServer();
    await eventually(async () => (await servedFingerprint(`127.0.0.1:${gateway.port}`, ca)) === renewed, { what: 'the renewed certificate served' });
    // The agent connected before the renewal goes on over its session.
    expect((await connected.exchange()).instanceUid).toHaveLength(16);
    await connected.close();

    writeFileSync(pki.serverKeyFile, 'not a key\n');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await servedFingerprint(`127.0.0.1:${gateway.port}`, ca)).toBe(renewed);
    pki.renewServer();
  });

  it('refuses to start on unusable files, naming the setting and the file', async () => {
    const missing = join(pki.dir, 'nowhere.pem');
    await expect(startGateway({ port: 0, host: '127.0.0.1', tls: { certFile: missing, keyFile: pki.serverKeyFile } }, platform)).rejects.toThrow(
      `GATEWAY_TLS_CERT_FILE (${missing}) cannot be read: ENOENT`,
    );
    await expect(startGateway({ port: 0, host: '127.0.0.1', tls: { certFile: pki.serverCertFile, keyFile: pki.clientKeyFile } }, platform)).rejects.toThrow(
      `GATEWAY_TLS_KEY_FILE (${pki.clientKeyFile}) is not the key of the certificate in GATEWAY_TLS_CERT_FILE (${pki.serverCertFile}): they do not match`,
    );
  });
});
