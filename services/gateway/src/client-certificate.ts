import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { ClientCertificate } from '@roost/contracts';

/** What an agent's connection says of who it is, read once per TLS connection (HTTP keep-alive reuses it). */
const IDENTITIES = new WeakMap<object, ClientCertificate | null>();

/**
 * The identity in the client certificate of the connection `socket` is: null for plain text,
 * TLS without mTLS, or a certificate the handshake did not verify against the client CA.
 */
export function clientCertificateOf(socket: object): ClientCertificate | null {
  const known = IDENTITIES.get(socket);
  if (known !== undefined) return known;
  const tls = socket as Partial<TLSSocket>;
  const identity = tls.encrypted === true && tls.authorized === true && typeof tls.getPeerCertificate === 'function' ? certificateIdentity(tls.getPeerCertificate()) : null;
  IDENTITIES.set(socket, identity);
  return identity;
}

/** The fields an operator matches against their PKI; null for the empty object Node gives when no certificate came. */
export function certificateIdentity(certificate: Partial<PeerCertificate>): ClientCertificate | null {
  if (certificate.fingerprint256 === undefined || certificate.fingerprint256 === '') return null;
  return {
    subject: commonName(certificate.subject),
    subjectAltNames: splitAltNames(certificate.subjectaltname),
    issuer: commonName(certificate.issuer),
    serialNumber: certificate.serialNumber ?? '',
    fingerprintSha256: certificate.fingerprint256,
    notAfter: certificate.valid_to === undefined ? 0 : Date.parse(certificate.valid_to),
  };
}

/** Two connections show the same certificate (both none counts as the same). */
export function sameCertificate(a: ClientCertificate | null, b: ClientCertificate | null): boolean {
  return (a?.fingerprintSha256 ?? null) === (b?.fingerprintSha256 ?? null);
}

function commonName(name: PeerCertificate['subject'] | undefined): string {
  // A name with several CNs gives an array (Node's typings say string).
  const cn: unknown = name?.CN;
  if (Array.isArray(cn)) return cn.join(', ');
  return typeof cn === 'string' ? cn : '';
}

/** Node joins the names with ", " and quotes any that holds one or other unsafe characters, escaped as JSON (`URI:"a, b"`, `\u002c`), so a plain split would cut it. */
function splitAltNames(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const names: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted && i + 1 < text.length) {
      const code = text[i + 1] === 'u' ? /^[0-9a-fA-F]{4}$/.exec(text.slice(i + 2, i + 6)) : null;
      current += code ? String.fromCharCode(parseInt(code[0], 16)) : text[i + 1];
      i += code ? 5 : 1;
    }
    else if (c === ',' && !quoted && text[i + 1] === ' ') {
      names.push(current);
      current = '';
      i += 1;
    } else current += c;
  }
  names.push(current);
  return names;
}
