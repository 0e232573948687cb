import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestPki, eventually, type TestPki } from '@roost/testing';
import { loadTlsFiles, TlsSettingError, watchTlsFiles, type TlsMaterial } from './tls-files';

const NAMES = { cert: 'X_CERT', key: 'X_KEY', clientCa: 'X_CA' };

describe('TLS files', () => {
  let pki: TestPki;
  beforeAll(() => (pki = createTestPki()));
  afterAll(() => pki.remove());

  const load = (certFile: string, keyFile: string, clientCaFile?: string) => loadTlsFiles({ certFile, keyFile, clientCaFile }, NAMES);
  const failure = (read: () => unknown): string => {
    try {
      read();
    } catch (error) {
      expect(error).toBeInstanceOf(TlsSettingError);
      return (error as Error).message;
    }
    throw new Error('loaded');
  };

  it('loads a certificate, its key and a client CA', () => {
    const material = load(pki.serverCertFile, pki.serverKeyFile, pki.caFile);
    expect(material.clientCa?.toString()).toContain('BEGIN CERTIFICATE');
    expect(material.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('names the setting and the file that cannot be read', () => {
    expect(failure(() => load(join(pki.dir, 'missing.pem'), pki.serverKeyFile))).toBe(`X_CERT (${join(pki.dir, 'missing.pem')}) cannot be read: ENOENT`);
  });

  it('says when a file holds no certificate or no key', () => {
    const junk = join(pki.dir, 'junk.pem');
    writeFileSync(junk, 'not a pem\n');
    expect(failure(() => load(junk, pki.serverKeyFile))).toBe(`X_CERT (${junk}) holds no PEM certificate`);
    expect(failure(() => load(pki.serverCertFile, junk))).toContain(`X_KEY (${junk}) holds no PEM private key`);
    expect(failure(() => load(pki.serverCertFile, pki.serverKeyFile, junk))).toBe(`X_CA (${junk}) holds no PEM CA certificate`);
  });

  it('refuses a key that is not the certificate’s', () => {
    expect(failure(() => load(pki.serverCertFile, pki.clientKeyFile))).toBe(
      `X_KEY (${pki.clientKeyFile}) is not the key of the certificate in X_CERT (${pki.serverCertFile}): they do not match`,
    );
  });

  it('hands over the renewed files when they change', async () => {
    const before = load(pki.serverCertFile, pki.serverKeyFile).fingerprint;
    const seen: TlsMaterial[] = [];
    const stop = watchTlsFiles({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile }, NAMES, 50, (material) => seen.push(material), () => undefined);
    try {
      const renewed = pki.renewServer();
      expect(renewed).not.toBe(before);
      await eventually(() => seen.some((material) => material.fingerprint === renewed), { what: 'the renewed certificate' });
    } finally {
      stop();
    }
  });
});
