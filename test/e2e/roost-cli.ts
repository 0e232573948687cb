import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The `roost` command as `npm install -g` puts it on a user's PATH, run from a directory of the user's. */
export interface InstalledRoost {
  /** The installed command (a link into the prefix's bin directory). */
  readonly bin: string;
  /** The directory commands run in: not the repository. */
  readonly cwd: string;
  run(argv: readonly string[], env?: Readonly<Record<string, string>>, options?: { cwd?: string; timeoutMs?: number }): Promise<CliRun>;
  /** Runs `roost … <shell redirections and pipeline>` through bash with pipefail, e.g. `| head -1`: the code is roost's when it failed. */
  piped(argv: readonly string[], pipeline: string, env?: Readonly<Record<string, string>>): Promise<CliRun>;
  remove(): void;
}

/**
 * Installs this repository globally into a fresh prefix (`npm install -g <repo>`, which links
 * it and its `bin` entries as a user's global or linked install does) and runs the installed
 * `roost` from a temporary directory. No network: the repository's node_modules is used.
 */
export async function installRoost(): Promise<InstalledRoost> {
  const prefix = mkdtempSync(join(tmpdir(), 'roost-prefix-'));
  const cwd = mkdtempSync(join(tmpdir(), 'roost-user-'));
  const installed = await exec('npm', ['install', '-g', '--prefix', prefix, REPO_ROOT, '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd, env: baseEnv({}) }, 60_000);
  if (installed.code !== 0) throw new Error(`npm install -g ${REPO_ROOT} failed (${installed.code}): ${installed.stderr}`);
  const bin = join(prefix, 'bin', 'roost');
  return {
    bin,
    cwd,
    run: (argv, env = {}, options = {}) => exec(bin, argv, { cwd: options.cwd ?? cwd, env: baseEnv(env) }, options.timeoutMs ?? 60_000),
    piped: (argv, pipeline, env = {}) => exec('/bin/bash', ['-o', 'pipefail', '-c', `"$0" "$@" ${pipeline}`, bin, ...argv], { cwd, env: baseEnv(env) }, 60_000),
    remove: () => {
      rmSync(prefix, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

function baseEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env };
}

function exec(file: string, argv: readonly string[], options: { cwd: string; env: Record<string, string> }, timeoutMs: number): Promise<CliRun> {
  return new Promise((resolveRun) => {
    execFile(file, argv, { ...options, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolveRun({ code, stdout, stderr });
    });
  });
}

/** stdout of a run that must succeed, parsed as JSON. */
export function json<T>(run: CliRun): T {
  if (run.code !== 0) throw new Error(`roost exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
