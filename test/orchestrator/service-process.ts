import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = join(__dirname, '..', '..');

/** One JSON log line of a service (pino). */
export type LogLine = Record<string, unknown> & { msg?: string };

/**
 * A Roost service run as its own process (`tsx <entry>`), so a test can SIGKILL it the way a
 * crash would. Its JSON log lines are kept and can be waited for.
 */
export class ServiceProcess {
  readonly lines: LogLine[] = [];
  private readonly waiters: (() => void)[] = [];
  readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    const collect = (line: string): void => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ msg: line });
      }
      this.waiters.splice(0).forEach((wake) => wake());
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', collect);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', collect);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts `entry` (relative to the repository root) with these extra environment variables. */
  static start(entry: string, env: Record<string, string>, args: string[] = []): ServiceProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, entry), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(child);
  }

  /** Not exited (nor killed) yet. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The process id (to read its memory from /proc). */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** The first log line matching, waiting up to `timeoutMs` for it. */
  async waitForLine(matches: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(matches);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.child.exitCode !== null) {
        throw new Error(`no matching log line within ${timeoutMs} ms; last lines:\n${this.lines.slice(-15).map((l) => JSON.stringify(l)).join('\n')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** SIGSTOP / SIGCONT: the process stalls as in a long GC pause or a VM migration, then goes on. */
  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  thaw(): void {
    this.child.kill('SIGCONT');
  }

  /** SIGKILL: no cleanup of any kind, as a crash. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGCONT');
      this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}
