import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ManagedProcess, type ProcessSpec } from './managed-process';

/** A server a test suite started for itself: one port and one data dir for its whole life. */
export interface TestServer {
  readonly port: number;
  /** e.g. `nats://127.0.0.1:4222` or `redis://127.0.0.1:6379`. */
  readonly url: string;
  readonly dataDir: string;
  readonly running: boolean;
  /** SIGKILL, as a crash would; resolves once the process is gone. Data dir and port are kept. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir (killing it first if it still runs). */
  restart(): Promise<void>;
  /** Stops it and removes the data dir. Call it in afterAll. */
  stop(): Promise<void>;
}

export interface ServerRecipe {
  readonly name: string;
  readonly binary: string;
  readonly scheme: string;
  readonly readyLine: RegExp;
  args(port: number, dataDir: string): string[];
}

const START_ATTEMPTS = 3;

/** Starts a server on a free port with a fresh temp dir, retrying on a port lost to a race. */
export async function startTestServer(recipe: ServerRecipe): Promise<TestServer> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), `roost-${recipe.name}-`));
    try {
      const process = await ManagedProcess.start(specFor(recipe, port, dataDir));
      return new RunningTestServer(recipe, port, dataDir, process);
    } catch (error) {
      lastError = error;
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  throw lastError;
}

function specFor(recipe: ServerRecipe, port: number, dataDir: string): ProcessSpec {
  return { name: recipe.name, binary: recipe.binary, args: recipe.args(port, dataDir), port, readyLine: recipe.readyLine };
}

class RunningTestServer implements TestServer {
  readonly url: string;

  constructor(
    private readonly recipe: ServerRecipe,
    readonly port: number,
    readonly dataDir: string,
    private process: ManagedProcess,
  ) {
    this.url = `${recipe.scheme}://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return this.process.running;
  }

  async kill(): Promise<void> {
    await this.process.kill('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.process.kill('SIGKILL');
    this.process = await ManagedProcess.start(specFor(this.recipe, this.port, this.dataDir));
  }

  async stop(): Promise<void> {
    await this.process.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
