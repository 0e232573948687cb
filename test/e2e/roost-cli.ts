import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
const CLI_MAIN = join(REPO_ROOT, 'services/cli/src/main.ts');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `roost` CLI as its own process, as a user or a script would. */
export function roost(argv: readonly string[], env: Readonly<Record<string, string>> = {}, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolveRun) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI_MAIN, ...argv],
      { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolveRun({ code, stdout, stderr });
      },
    );
  });
}

/** stdout of a run that must succeed, parsed as JSON. */
export function json<T>(run: CliRun): T {
  if (run.code !== 0) throw new Error(`roost exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
