import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';

/**
 * A listener's TLS from PEM files: its certificate (chain) and key, and optionally the CA that
 * client certificates must chain to (mTLS: clients without one are refused at the handshake).
 */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile?: string | undefined;
}

/** How each file is named to the operator in errors: the setting that gave it. */
export interface TlsSettingNames {
  readonly cert: string;
  readonly key: string;
  readonly clientCa: string;
}

/** The files read and checked, ready for `tls.createSecureContext` or gRPC credentials. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Client certificates must chain to this CA; null: none asked for. */
  readonly clientCa: Buffer | null;
  /** SHA-256 fingerprint of the server certificate (logged at start and reload). */
  readonly fingerprint: string;
  readonly notAfter: string;
}

/** A TLS file that cannot be used; the message names the setting, the file and what is wrong. */
export class TlsSettingError extends Error {
  readonly code = 'roost.bad_tls_setting';
}

/** Reads and checks the files: each readable, PEM of the right kind, the key the certificate's. */
export function loadTlsFiles(files: TlsFiles, names: TlsSettingNames): TlsMaterial {
  const cert = readSetting(files.certFile, names.cert);
  const key = readSetting(files.keyFile, names.key);
  const clientCa = files.clientCaFile === undefined ? null : readSetting(files.clientCaFile, names.clientCa);
  const certificate = parse(() => new X509Certificate(cert), `${names.cert} (${files.certFile}) holds no PEM certificate`);
  const privateKey = parse(() => createPrivateKey(key), `${names.key} (${files.keyFile}) holds no PEM private key (or it is encrypted)`);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new TlsSettingError(`${names.key} (${files.keyFile}) is not the key of the certificate in ${names.cert} (${files.certFile}): they do not match`);
  }
  if (clientCa !== null && files.clientCaFile !== undefined) {
    parse(() => new X509Certificate(clientCa), `${names.clientCa} (${files.clientCaFile}) holds no PEM CA certificate`);
  }
  return { cert, key, clientCa, fingerprint: certificate.fingerprint256, notAfter: certificate.validTo };
}

/**
 * Calls `onChange` with the files read again whenever one of them changes (polled every
 * `intervalMs`, which also sees a Kubernetes secret's symlink swap) or on SIGHUP; a change that
 * does not load is reported to `onError` and the current certificate is kept. Returns a stop.
 */
export function watchTlsFiles(
  files: TlsFiles,
  names: TlsSettingNames,
  intervalMs: number,
  onChange: (material: TlsMaterial) => void,
  onError: (error: Error) => void,
): () => void {
  const paths = [files.certFile, files.keyFile, ...(files.clientCaFile === undefined ? [] : [files.clientCaFile])];
  const reload = (): void => {
    try {
      onChange(loadTlsFiles(files, names));
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const changed = (current: { mtimeMs: number }, previous: { mtimeMs: number }): void => {
    if (current.mtimeMs !== previous.mtimeMs) reload();
  };
  for (const path of paths) watchFile(path, { interval: intervalMs, persistent: false }, changed);
  process.on('SIGHUP', reload);
  return () => {
    for (const path of paths) unwatchFile(path, changed);
    process.off('SIGHUP', reload);
  };
}

function readSetting(path: string, name: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new TlsSettingError(`${name} (${path}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function parse<T>(read: () => T, message: string): T {
  try {
    return read();
  } catch {
    throw new TlsSettingError(message);
  }
}

/** True for addresses only this machine can reach (plain text is fine there). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
