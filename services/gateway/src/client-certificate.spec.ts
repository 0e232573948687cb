import type { PeerCertificate } from 'node:tls';
import { certificateIdentity, clientCertificateOf, sameCertificate } from './client-certificate';

const PEER: Partial<PeerCertificate> = {
  subject: { CN: 'collector-7', O: 'Acme', C: 'DE', ST: '', L: '', OU: '' },
  issuer: { CN: 'Fleet CA', O: 'Acme', C: 'DE', ST: '', L: '', OU: '' },
  subjectaltname: 'DNS:collector-7.acme.test, URI:"spiffe://acme.test/a, b\\u002c c", IP Address:10.0.0.7',
  serialNumber: '5F3A0C',
  fingerprint256: 'AA:BB:CC',
  valid_to: 'Mar  1 12:00:00 2027 GMT',
};

describe('certificateIdentity', () => {
  it('keeps the names, issuer, serial, fingerprint and expiry an operator matches against their PKI', () => {
    expect(certificateIdentity(PEER)).toEqual({
      subject: 'collector-7',
      subjectAltNames: ['DNS:collector-7.acme.test', 'URI:spiffe://acme.test/a, b, c', 'IP Address:10.0.0.7'],
      issuer: 'Fleet CA',
      serialNumber: '5F3A0C',
      fingerprintSha256: 'AA:BB:CC',
      notAfter: Date.UTC(2027, 2, 1, 12),
    });
  });

  it('reads a certificate without SANs or a CN, and none in the empty object Node gives without a certificate', () => {
    expect(certificateIdentity({ ...PEER, subject: { O: 'Acme' } as PeerCertificate['subject'], subjectaltname: undefined })).toMatchObject({ subject: '', subjectAltNames: [] });
    expect(certificateIdentity({ ...PEER, subject: { CN: ['a', 'b'] } as unknown as PeerCertificate['subject'] })?.subject).toBe('a, b');
    expect(certificateIdentity({})).toBeNull();
  });
});

describe('clientCertificateOf', () => {
  it('is null for a plain socket and for a TLS socket whose certificate was not verified', () => {
    expect(clientCertificateOf({})).toBeNull();
    expect(clientCertificateOf({ encrypted: true, authorized: false, getPeerCertificate: () => PEER })).toBeNull();
    expect(clientCertificateOf({ encrypted: true, authorized: true, getPeerCertificate: () => PEER })?.subject).toBe('collector-7');
  });
});

describe('sameCertificate', () => {
  it('compares by fingerprint, none equal to none', () => {
    const identity = certificateIdentity(PEER);
    expect(sameCertificate(identity, certificateIdentity({ ...PEER }))).toBe(true);
    expect(sameCertificate(identity, certificateIdentity({ ...PEER, fingerprint256: 'DD' }))).toBe(false);
    expect(sameCertificate(identity, null)).toBe(false);
    expect(sameCertificate(null, null)).toBe(true);
  });
});
