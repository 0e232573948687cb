import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a throwaway PKI: paths, and the contents for clients that take them in memory. */
export interface TestPki {
  readonly dir: string;
  /** The CA that signed the server and client certificates. */
  readonly caFile: string;
  /** Server certificate for localhost and 127.0.0.1, and its key. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A client certificate (CN `agent-1`, SANs `DNS:agent-1.roost.test` and `URI:spiffe://roost.test/agent-1`) signed by the CA, and its key. */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** Another client certificate (CN `agent-2`, no SAN) signed by the CA, and its key. */
  readonly secondClientCertFile: string;
  readonly secondClientKeyFile: string;
  /** A client certificate from another CA, which an mTLS server must refuse. */
  readonly strangerCertFile: string;
  readonly strangerKeyFile: string;
  read(file: string): Buffer;
  /** A new server certificate (and key) from the same CA written over the old files; its SHA-256 fingerprint. */
  renewServer(): string;
  /** The SHA-256 fingerprint of a certificate file as openssl prints it (`AB:CD:…`). */
  fingerprintOf(file: string): string;
  remove(): void;
}

/**
 * Generates a CA, a server and a client certificate with Debian's openssl (EC P-256, one day),
 * in a fresh temporary directory: nothing is committed, nothing outlives the test.
 */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'roost-pki-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const keyOf = (name: string) => openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path(name));
  const selfSigned = (name: string, cn: string) => {
    keyOf(`${name}.key`);
    openssl('req', '-x509', '-new', '-key', path(`${name}.key`), '-out', path(`${name}.pem`), '-days', '1', '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  };
  const signed = (name: string, cn: string, ca: string, extensions: string) => {
    keyOf(`${name}.key`);
    openssl('req', '-new', '-key', path(`${name}.key`), '-out', path(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(path(`${name}.ext`), extensions);
    openssl('x509', '-req', '-in', path(`${name}.csr`), '-CA', path(`${ca}.pem`), '-CAkey', path(`${ca}.key`), '-CAcreateserial', '-out', path(`${name}.pem`), '-days', '1', '-extfile', path(`${name}.ext`));
  };
  const serverExtensions = 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n';
  selfSigned('ca', 'Roost test CA');
  selfSigned('other-ca', 'Another CA');
  signed('server', 'localhost', 'ca', serverExtensions);
  signed('client', 'agent-1', 'ca', 'subjectAltName=DNS:agent-1.roost.test,URI:spiffe://roost.test/agent-1\nextendedKeyUsage=clientAuth\n');
  signed('client-2', 'agent-2', 'ca', 'extendedKeyUsage=clientAuth\n');
  signed('stranger', 'stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  const fingerprintOf = (file: string) => openssl('x509', '-in', file, '-noout', '-fingerprint', '-sha256').toString().trim().split('=')[1] ?? '';
  return {
    dir,
    caFile: path('ca.pem'),
    serverCertFile: path('server.pem'),
    serverKeyFile: path('server.key'),
    clientCertFile: path('client.pem'),
    clientKeyFile: path('client.key'),
    secondClientCertFile: path('client-2.pem'),
    secondClientKeyFile: path('client-2.key'),
    strangerCertFile: path('stranger.pem'),
    strangerKeyFile: path('stranger.key'),
    read: (file) => readFileSync(file),
    renewServer: () => {
      signed('server', 'localhost', 'ca', serverExtensions);
      return fingerprintOf(path('server.pem'));
    },
    fingerprintOf,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
