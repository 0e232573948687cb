import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

export interface ProcessSpec {
  /** For messages: e.g. `nats-server`. */
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  /** The process is ready once this port accepts TCP connections on 127.0.0.1 ... */
  readonly port: number;
  /** ... and its output contains this line. */
  readonly readyLine: RegExp;
  readonly readyTimeoutMs?: number;
}

const OUTPUT_TAIL_CHARS = 8_000;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A test-owned server process; never adopted, always started here and reaped by the test. */
export class ManagedProcess {
  private output = '';
  private exited: Promise<void>;
  private exitCode: number | null = null;
  private exitSignal: string | null = null;

  private constructor(
    private readonly spec: ProcessSpec,
    private readonly child: ChildProcess,
  ) {
    const append = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        live.delete(child);
        resolve();
      });
    });
  }

  /** Spawns the process and resolves once it is ready; rejects (and reaps it) otherwise. */
  static async start(spec: ProcessSpec): Promise<ManagedProcess> {
    installExitHook();
    const child = spawn(spec.binary, [...spec.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    const managed = new ManagedProcess(spec, child);
    child.once('error', () => undefined);
    try {
      await managed.waitReady(spec.readyTimeoutMs ?? 10_000);
      return managed;
    } catch (error) {
      await managed.kill();
      throw error;
    }
  }

  get running(): boolean {
    return this.exitCode === null && this.exitSignal === null && this.child.exitCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last few kilobytes the process printed (for failure messages). */
  get recentOutput(): string {
    return this.output;
  }

  /** Sends the signal and resolves once the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    await this.exited;
  }

  /** SIGSTOP: the process freezes with its sockets open, as a hung or partitioned host. */
  pause(): void {
    if (this.running) this.child.kill('SIGSTOP');
  }

  /** SIGCONT after pause(). */
  resume(): void {
    if (this.running) this.child.kill('SIGCONT');
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return this.exited;
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `${this.spec.name} exited (code ${this.exitCode}, signal ${this.exitSignal}) before it was ready:\n${this.output}`,
        );
      }
      if (this.spec.readyLine.test(this.output) && (await acceptsConnections(this.spec.port))) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${this.spec.name} was not ready on port ${this.spec.port} within ${timeoutMs} ms:\n${this.output}`);
  }
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A crashed test run must not leave servers behind: kill whatever is still ours on exit. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}
