/**
 * Builds the Go programs of the test suite (the opamp-go interop agent, the events subscriber)
 * into the system's temporary directory, outside the repository: once per source version and Go
 * version, so a warm run reuses the binary. Modules come from the Go module proxy (go.sum pins
 * them). Go is required: without it the build throws GoMissingError and the suite fails loudly.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const BUILD_TIMEOUT_MS = 5 * 60_000;

export class GoMissingError extends Error {
  readonly code = 'GO_MISSING';
  constructor(detail: string) {
    super(
      'GO IS REQUIRED FOR THE GO TEST PROGRAMS (the opamp-go interop agent, the events subscriber) and was not found (' + detail + '). ' +
        'Install Go 1.24 or newer and put it on PATH (or set GO=/path/to/go); ' +
        'these suites never pass without running the real Go clients.',
    );
    this.name = 'GoMissingError';
  }
}

/** Finds the go binary: $GO, then PATH, then the default install location. */
export function findGo(): string {
  const candidates = [process.env['GO'], ...(process.env['PATH'] ?? '').split(delimiter).map((dir) => dir && join(dir, 'go')), '/usr/local/go/bin/go'];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new GoMissingError('looked in $GO, PATH and /usr/local/go/bin');
  return found;
}

/** Hash of the program's sources and the Go version: the binary is rebuilt exactly when they change. */
function sourceHash(go: string, sourceDir: string): string {
  const hash = createHash('sha256').update(execFileSync(go, ['env', 'GOVERSION']));
  for (const name of readdirSync(sourceDir).sort()) {
    if (name.endsWith('.go') || name === 'go.mod' || name === 'go.sum') hash.update(name).update(readFileSync(join(sourceDir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

const builds = new Map<string, Promise<string>>();

/** Builds the Go program in `sourceDir` once per process and source version; resolves to the binary's path. */
export function buildGoProgram(sourceDir: string, name: string): Promise<string> {
  let built = builds.get(sourceDir);
  if (built === undefined) builds.set(sourceDir, (built = build(sourceDir, name)));
  return built;
}

async function build(sourceDir: string, name: string): Promise<string> {
  const go = findGo();
  const dir = join(tmpdir(), `roost-${name}-${sourceHash(go, sourceDir)}`);
  const binary = join(dir, name);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  await new Promise<void>((resolve, reject) => {
    execFile(go, ['build', '-o', partial, '.'], { cwd: sourceDir, timeout: BUILD_TIMEOUT_MS, env: { ...process.env, GOFLAGS: '-mod=readonly' } }, (err, _stdout, stderr) =>
      err ? reject(new Error(`go build of ${name} failed: ${err.message}\n${stderr}`)) : resolve(),
    );
  });
  renameSync(partial, binary); // atomic: concurrent workers never run a half-written binary
  return binary;
}
