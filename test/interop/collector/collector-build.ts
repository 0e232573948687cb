/**
 * The collector and supervisor binaries for the suite. scripts/test.sh builds them once per run
 * (build.sh, cached outside the repository by the manifest's hash) and passes the directory in
 * ROOST_COLLECTOR_BIN_DIR; a test run without it (jest on its own) runs build.sh itself, once per
 * worker: a warm cache makes that instant.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findGo } from '../go-agent';

export interface CollectorBinaries {
  readonly collector: string;
  readonly supervisor: string;
}

const BUILD_SCRIPT = join(__dirname, 'build.sh');
/** A cold build (ocb, the collector, the supervisor) takes minutes on a small machine. */
export const COLLECTOR_BUILD_TIMEOUT_MS = 30 * 60_000;

function binariesIn(dir: string): CollectorBinaries {
  const binaries = { collector: join(dir, 'otelcol-roost'), supervisor: join(dir, 'opampsupervisor') };
  for (const path of Object.values(binaries)) {
    if (!existsSync(path)) throw new Error(`collector build: ${path} is missing; run bash test/interop/collector/build.sh`);
  }
  return binaries;
}

let built: Promise<CollectorBinaries> | undefined;

/** The binaries: from ROOST_COLLECTOR_BIN_DIR, else built (or reused) by build.sh. */
export function collectorBinaries(): Promise<CollectorBinaries> {
  built ??= build();
  return built;
}

async function build(): Promise<CollectorBinaries> {
  const given = process.env['ROOST_COLLECTOR_BIN_DIR'];
  if (given) return binariesIn(given);
  const go = findGo();
  const dir = await new Promise<string>((resolve, reject) => {
    execFile('bash', [BUILD_SCRIPT], { env: { ...process.env, GO: go }, timeout: COLLECTOR_BUILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`collector build failed: ${error.message}\n${stderr.slice(-4_000)}`));
      else resolve(stdout.trim().split('\n').at(-1) ?? '');
    });
  });
  return binariesIn(dir);
}
