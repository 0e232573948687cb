/**
 * The admin API over TLS and mTLS (HTTP and gRPC on their own ports), with certificates made
 * for the test by openssl: curl, Node's https and grpc-js clients; no certificate or a stranger's
 * refused under mTLS; a renewed certificate served by both without a restart.
 */
import { get } from 'node:https';
import { credentials, loadPackageDefinition, type ChannelCredentials, type Client } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS, startAdminApi, type RunningAdminApi } from '@roost/admin-api';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { createTestPki, eventually, type TestPki } from '@roost/testing';
import { curl, servedFingerprint } from '../support/tls-clients';

/** grpc.health.v1.Health/Check over these credentials: the status, or the gRPC error code. */
function healthCheck(address: string, channel: ChannelCredentials): Promise<string | number> {
  const loaded: any = loadPackageDefinition(loadSync(['grpc/health/v1/health.proto'], PROTO_LOADER_OPTIONS));
  const client: Client & Record<string, any> = new loaded.grpc.health.v1.Health(address, channel, { 'grpc.ssl_target_name_override': 'localhost' });
  return new Promise((resolve) =>
    client.Check({ service: '' }, { deadline: Date.now() + 5_000 }, (error: { code: number } | null, reply: { status: string }) => {
      client.close();
      resolve(error ? error.code : reply.status);
    }),
  );
}

const UNAVAILABLE = 14;

describe('the admin API over TLS', () => {
  let pki: TestPki;
  let platform: Platform;
  const apis: RunningAdminApi[] = [];
  const start = async (clientCa: boolean): Promise<RunningAdminApi> => {
    const tls = { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, ...(clientCa ? { clientCaFile: pki.caFile } : {}) };
    const api = await startAdminApi({ httpPort: 0, grpcPort: 0, tls, tlsReloadIntervalMs: 100 }, platform);
    apis.push(api);
    return api;
  };

  beforeAll(() => {
    pki = createTestPki();
    platform = createMemoryPlatform();
  });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.stop()));
    await platform.close();
    pki.remove();
  });

  it('serves HTTPS and gRPC with TLS, and nothing in plain text', async () => {
    const api = await start(false);
    expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = pki.read(pki.caFile);

    const health = await curl(['--cacert', pki.caFile, `${api.url}/healthz`]);
    expect(JSON.parse(health.stdout.toString())).toEqual({ status: 'ok' });
    expect((await curl([`${api.url}/healthz`])).code).toBe(60);
    expect((await curl([`${api.url.replace('https:', 'http:')}/healthz`])).code).not.toBe(0);

    const configs = await new Promise<{ status: number; body: string }>((resolve, reject) =>
      get(`${api.url}/api/v1/configs`, { ca }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      }).on('error', reject),
    );
    expect(configs.status).toBe(200);

    const address = api.grpcAddress as string;
    expect(await healthCheck(address, credentials.createSsl(ca))).toEqual(expect.stringMatching(/^(SERVING|NOT_SERVING)$/));
    expect(await healthCheck(address, credentials.createInsecure())).toBe(UNAVAILABLE);
  });

  it('requires a certificate its client CA signed over HTTPS and gRPC (mTLS)', async () => {
    const api = await start(true);
    const [ca, cert, key] = [pki.read(pki.caFile), pki.read(pki.clientCertFile), pki.read(pki.clientKeyFile)];
    const client = ['--cacert', pki.caFile, '--cert', pki.clientCertFile, '--key', pki.clientKeyFile];
    expect(JSON.parse((await curl([...client, `${api.url}/healthz`])).stdout.toString())).toEqual({ status: 'ok' });
    expect((await curl(['--cacert', pki.caFile, `${api.url}/healthz`])).code).not.toBe(0);
    expect((await curl(['--cacert', pki.caFile, '--cert', pki.strangerCertFile, '--key', pki.strangerKeyFile, `${api.url}/healthz`])).code).not.toBe(0);

    const address = api.grpcAddress as string;
    expect(await healthCheck(address, credentials.createSsl(ca, key, cert))).toEqual(expect.stringMatching(/^(SERVING|NOT_SERVING)$/));
    expect(await healthCheck(address, credentials.createSsl(ca))).toBe(UNAVAILABLE);
    expect(await healthCheck(address, credentials.createSsl(ca, pki.read(pki.strangerKeyFile), pki.read(pki.strangerCertFile)))).toBe(UNAVAILABLE);
  });

  it('serves a renewed certificate on both ports without a restart', async () => {
    const api = await start(false);
    const ca = pki.read(pki.caFile);
    const renewed = pki.renewServer();
    await eventually(async () => (await servedFingerprint(api.url, ca)) === renewed, { what: 'HTTPS serving the renewed certificate' });
    await eventually(async () => (await servedFingerprint(api.grpcAddress as string, ca)) === renewed, { what: 'gRPC serving the renewed certificate' });
    expect(await healthCheck(api.grpcAddress as string, credentials.createSsl(ca))).toEqual(expect.stringMatching(/^(SERVING|NOT_SERVING)$/));
  });

  it('refuses to start on a key that is not the certificate’s, naming both settings', async () => {
    await expect(startAdminApi({ httpPort: 0, grpcPort: 0, tls: { certFile: pki.serverCertFile, keyFile: pki.clientKeyFile } }, platform)).rejects.toThrow(
      `ADMIN_TLS_KEY_FILE (${pki.clientKeyFile}) is not the key of the certificate in ADMIN_TLS_CERT_FILE (${pki.serverCertFile}): they do not match`,
    );
  });
});
