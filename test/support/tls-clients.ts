import { execFile } from 'node:child_process';
import { connect as tlsConnect } from 'node:tls';

/** curl (Debian's) with these arguments: its exit code (0, or 60 for an untrusted certificate…), stdout and stderr. */
export function curl(args: string[], input?: Buffer): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('curl', ['--silent', '--show-error', ...args], { encoding: 'buffer' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr: stderr.toString() }),
    );
    if (input) child.stdin?.end(input);
  });
}

/** The SHA-256 fingerprint of the certificate a fresh TLS connection to `host:port` is shown (trusting `ca`). */
export function servedFingerprint(address: string, ca: Buffer): Promise<string> {
  const [host, port] = address.replace(/^[a-z]+:\/\//, '').split(/[:/]/) as [string, string];
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port: Number(port), ca, servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}
