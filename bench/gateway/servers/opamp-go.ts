/**
 * The Go peer: a minimal OpAMP server on opamp-go's `server` package (`peers/opamp-go`), built
 * with Go into the system's temporary directory (once per source version, as the test suite's Go
 * programs) and run as a process of its own. Its counters, CPU time and memory come from its
 * control endpoints; without Go the peer is skipped with that reason, never silently.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
// The test suite's Go build (cached by source hash outside the repository), reused as it is: the
// benchmarks and the cross-service tests are both test code, of two Nx projects.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { GoMissingError, buildGoProgram } from '../../../test/support/go-build';
import { ServerNotWiredError, type ServerUnderTest } from '../server-under-test';

const SOURCE_DIR = join(__dirname, '..', 'peers', 'opamp-go');
const BINARY_NAME = 'opamp-go-peer';

/** The peer's binary, built if needed; throws ServerNotWiredError where Go is missing. */
export async function buildPeer(): Promise<string> {
  try {
    return await buildGoProgram(SOURCE_DIR, BINARY_NAME);
  } catch (err) {
    if (err instanceof GoMissingError) throw new ServerNotWiredError('no Go (looked in $GO, PATH and /usr/local/go/bin)');
    throw err;
  }
}

/** For the runner: starts the peer's build; resolves undefined once the binary is ready, or why the peer is skipped. */
export function preparePeer(): Promise<string | undefined> {
  return buildPeer().then(
    () => undefined,
    (err: unknown) => (err instanceof ServerNotWiredError ? err.message : `its Go build failed: ${String(err)}`),
  );
}

interface Stats {
  agents: number;
  messages: number;
  cpuMicros: number;
  rssBytes: number;
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Reads the peer's first output line: where it listens. */
function listening(child: ChildProcess): Promise<{ url: string; control: string }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const fail = (why: string) => {
      lines.close();
      reject(new Error(`the opamp-go peer ${why}`));
    };
    const timer = setTimeout(() => fail('did not say where it listens within 10 s'), 10_000);
    child.once('exit', (code) => fail(`exited (${code}) before listening`));
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      child.stdout!.resume(); // nothing more is read; never let the pipe fill
      resolve(JSON.parse(line) as { url: string; control: string });
    });
  });
}

export function createOpampGoPeer(): ServerUnderTest {
  let child: ChildProcess | undefined;
  let control = '';
  const stats = () => call<Stats>(`${control}/stats`);

  return {
    start: async () => {
      const binary = await buildPeer();
      child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
      const where = await listening(child);
      control = where.control;
      return { url: where.url };
    },
    connectedAgents: async () => (await stats()).agents,
    prepareConfig: async (body) => {
      await call(`${control}/config`, { method: 'POST', body });
    },
    deliverConfig: () => call<{ agents: number; fanOutMs: number }>(`${control}/deliver`, { method: 'POST' }),
    messagesProcessed: async () => (await stats()).messages,
    externalUsage: async () => {
      const s = await stats();
      return { cpuMicros: s.cpuMicros, rssBytes: s.rssBytes };
    },
    collectGarbage: async () => {
      await call(`${control}/gc`, { method: 'POST' });
    },
    stop: async () => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.stdin!.end(); // the peer exits when its input closes
      const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
