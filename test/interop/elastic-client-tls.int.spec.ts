/**
 * Interop over TLS with a real OpAMP client written by others: @elastic/opamp-client-node
 * (plain HTTP, through undici) against a gateway serving https://, with certificates openssl
 * makes for the test. Under mTLS the client's certificate identity is recorded on the agent and
 * shown by the admin API (HTTP and gRPC) once the projector has applied the fleet events.
 */
import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { credentials, loadPackageDefinition, type Client } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { AgentCapabilities, DIAG_CH_SEND_FAIL, RemoteConfigStatuses, createOpAMPClient } from '@elastic/opamp-client-node';
import { ADMIN_PACKAGE, ADMIN_PROTO_FILES, PROTO_LOADER_OPTIONS, startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { fleetEvents, setDesired, storeConfig } from '@roost/gateway/testing';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { startProjector, type RunningProjector } from '@roost/projector';
import { createTestPki, eventually, type TestPki } from '@roost/testing';

type OpAMPClient = ReturnType<typeof createOpAMPClient>;
type ConnectOptions = { ca: Buffer; cert?: Buffer; key?: Buffer };

const CAPABILITIES = BigInt(Number(AgentCapabilities['AgentCapabilities_AcceptsRemoteConfig']) | Number(AgentCapabilities['AgentCapabilities_ReportsRemoteConfig']));

describe('interop: @elastic/opamp-client-node over https://', () => {
  let pki: TestPki;
  let platform: Platform;
  let projector: RunningProjector;
  let api: RunningAdminApi;
  const gateways: RunningGateway[] = [];
  const clients: OpAMPClient[] = [];
  const failures: unknown[] = [];
  const onFail = (message: unknown): void => void failures.push(message);

  const startTlsGateway = async (mtls: boolean): Promise<RunningGateway> => {
    const tls = { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, ...(mtls ? { clientCaFile: pki.caFile } : {}) };
    const gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: `gw-elastic-tls-${gateways.length}`, tls }, platform);
    gateways.push(gateway);
    return gateway;
  };

  /** Starts an Elastic client that reports every config it receives APPLIED. */
  const startClient = (endpoint: string, instanceUid: string, connect: ConnectOptions): OpAMPClient => {
    const client: OpAMPClient = createOpAMPClient({
      endpoint,
      instanceUid,
      capabilities: CAPABILITIES,
      heartbeatIntervalSeconds: 0.1,
      diagEnabled: true,
      connect,
      onMessage: ({ remoteConfig }) => {
        if (remoteConfig) client.setRemoteConfigStatus({ lastRemoteConfigHash: remoteConfig.configHash, status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED });
      },
    });
    client.setAgentDescription({ identifyingAttributes: { 'service.name': 'elastic-tls', 'service.environment': 'tls' }, nonIdentifyingAttributes: {} });
    client.start();
    clients.push(client);
    return client;
  };

  const appliedEvent = (instanceUid: string, hash: string) =>
    eventually(
      async () => (await fleetEvents(platform, instanceUid)).find((e) => e.snapshot.remoteConfigStatus?.status === 'APPLIED' && e.snapshot.remoteConfigStatus.hash === hash),
      { timeoutMs: 10_000, what: `APPLIED for ${hash}` },
    );

  beforeAll(async () => {
    pki = createTestPki();
    platform = createMemoryPlatform();
    projector = await startProjector({}, platform);
    api = await startAdminApi({ httpPort: 0, grpcPort: 0 }, platform);
    subscribe(DIAG_CH_SEND_FAIL, onFail);
  });

  afterAll(async () => {
    unsubscribe(DIAG_CH_SEND_FAIL, onFail);
    await Promise.all(clients.map((client) => client.shutdown()));
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await api.stop();
    await projector.stop();
    await platform.close();
    pki.remove();
  });

  it('applies its desired config over https:// trusting the test CA, with no client certificate recorded', async () => {
    const gateway = await startTlsGateway(false);
    expect(gateway.httpUrl).toMatch(/^https:\/\//);
    const instanceUid = randomUUID();
    const config = await storeConfig(platform, '{"logging_level":"info"}', 'application/json');
    await setDesired(platform, [instanceUid], config);

    startClient(gateway.httpUrl, instanceUid, { ca: pki.read(pki.caFile) });

    const applied = await appliedEvent(instanceUid, config);
    expect(applied.snapshot).toMatchObject({ gatewayId: gateway.gatewayId, transport: 'http', connected: true, clientCertificate: null });
    expect(failures).toEqual([]);
  });

  it('under mTLS, records the client certificate it connected with, and the admin API shows it over HTTP and gRPC', async () => {
    const gateway = await startTlsGateway(true);
    const instanceUid = randomUUID();
    const config = await storeConfig(platform, '{"logging_level":"warn"}', 'application/json');
    await setDesired(platform, [instanceUid], config);

    startClient(gateway.httpUrl, instanceUid, { ca: pki.read(pki.caFile), cert: pki.read(pki.clientCertFile), key: pki.read(pki.clientKeyFile) });

    const applied = await appliedEvent(instanceUid, config);
    const expected = {
      subject: 'agent-1',
      subjectAltNames: ['DNS:agent-1.roost.test', 'URI:spiffe://roost.test/agent-1'],
      issuer: 'Roost test CA',
      fingerprintSha256: pki.fingerprintOf(pki.clientCertFile),
    };
    expect(applied.snapshot.clientCertificate).toMatchObject(expected);
    expect(applied.snapshot.clientCertificate?.serialNumber).toMatch(/^[0-9A-F]+$/);
    // openssl made it for one day
    expect(applied.snapshot.clientCertificate?.notAfter).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(failures).toEqual([]);

    const agent = await eventually(
      async () => {
        const response = await fetch(`${api.url}/api/v1/agents/${instanceUid}`);
        const body = response.status === 200 ? ((await response.json()) as { clientCertificate: unknown; currentConfigHash: string }) : null;
        return body?.currentConfigHash === config ? body : undefined;
      },
      { timeoutMs: 10_000, what: 'the agent in the views' },
    );
    expect(agent.clientCertificate).toEqual(applied.snapshot.clientCertificate);

    const loaded: any = loadPackageDefinition(loadSync([...ADMIN_PROTO_FILES], PROTO_LOADER_OPTIONS));
    const service = ADMIN_PACKAGE.split('.').reduce((node, part) => node[part], loaded).AgentService;
    const grpc: Client & Record<string, any> = new service(api.grpcAddress, credentials.createInsecure());
    const reply = await new Promise<any>((resolve, reject) => grpc.GetAgent({ agent_id: instanceUid }, (error: Error | null, value: unknown) => (error ? reject(error) : resolve(value))));
    grpc.close();
    expect(reply.agent.client_certificate).toMatchObject({
      subject: expected.subject,
      subject_alt_names: expected.subjectAltNames,
      issuer: expected.issuer,
      fingerprint_sha256: expected.fingerprintSha256,
    });
  });

  it('under mTLS, cannot connect without a client certificate', async () => {
    const gateway = await startTlsGateway(true);
    const instanceUid = randomUUID();
    const before = failures.length;
    startClient(gateway.httpUrl, instanceUid, { ca: pki.read(pki.caFile) });
    await eventually(() => failures.length > before, { timeoutMs: 10_000, what: 'a failed send' });
    expect(await fleetEvents(platform, instanceUid)).toEqual([]);
  });
});
