import { experimental, ServerCredentials } from '@grpc/grpc-js';
import type { TlsMaterial } from '@roost/platform-process';

type IdentityListener = experimental.IdentityCertificateUpdateListener;
type CaListener = experimental.CaCertificateUpdateListener;

/**
 * Hands grpc-js the admin API's certificate, key and client CA, and hands it new ones when the
 * files are reloaded (grpc-js then uses them for new connections).
 */
export class ReloadableCertificates implements experimental.CertificateProvider {
  private readonly identityListeners = new Set<IdentityListener>();
  private readonly caListeners = new Set<CaListener>();

  constructor(private material: TlsMaterial) {}

  /** Server credentials: TLS, requiring a client certificate signed by the CA when one is given. */
  credentials(): ServerCredentials {
    const mtls = this.material.clientCa !== null;
    // grpc-js's first argument is the identity provider, the second the CA one (its .d.ts names them the other way round).
    return experimental.createCertificateProviderServerCredentials(this, mtls ? this : null, mtls);
  }

  update(material: TlsMaterial): void {
    this.material = material;
    for (const listener of this.identityListeners) listener(this.identity());
    for (const listener of this.caListeners) listener(this.ca());
  }

  // A listener added is told the current files on the next microtask: grpc-js adds its own
  // watcher only after adding these listeners, and would miss an answer given at once.
  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    queueMicrotask(() => listener(this.identity()));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    queueMicrotask(() => listener(this.ca()));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  private identity(): experimental.IdentityCertificateUpdate {
    return { certificate: this.material.cert, privateKey: this.material.key };
  }

  private ca(): experimental.CaCertificateUpdate | null {
    return this.material.clientCa === null ? null : { caCertificate: this.material.clientCa };
  }
}
