import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian installs some servers in /usr/sbin, which a non-root PATH often lacks. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/sbin'];

export class MissingServerBinaryError extends Error {
  constructor(
    readonly binary: string,
    readonly debianPackage: string,
  ) {
    super(
      `${binary} was not found on PATH or in ${EXTRA_DIRS.join(', ')}; ` +
        `install the Debian package with: apt-get install -y ${debianPackage}`,
    );
    this.name = 'MissingServerBinaryError';
  }
}

/** Absolute path of an executable, or a MissingServerBinaryError naming the package. */
export function findServerBinary(binary: string, debianPackage: string): string {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  throw new MissingServerBinaryError(binary, debianPackage);
}
