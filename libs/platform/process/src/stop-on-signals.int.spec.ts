import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const FIXTURE = join(__dirname, 'testing', 'stopping-process.ts');

type Line = Record<string, unknown>;

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** The fixture as a real process: its JSON lines as they come, and its exit code. */
function startFixture(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const lines: Line[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  createInterface({ input: child.stdout }).on('line', (text) => {
    lines.push(JSON.parse(text) as Line);
    waiters.splice(0).forEach((wake) => wake());
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const closed = new Promise<void>((resolve) => child.stdout.once('close', () => resolve()));
  let done = false;
  void exited.then(() => {
    running.delete(child);
    done = true;
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    lines,
    /** Resolves once a line with this message was written; rejects if the process exits first. */
    async lineWith(message: string): Promise<Line> {
      for (;;) {
        const found = lines.find((line) => line['msg'] === message);
        if (found) return found;
        if (done) throw new Error(`exited before "${message}"; lines: ${JSON.stringify(lines)} stderr: ${stderr}`);
        await new Promise<void>((wake) => waiters.push(wake));
      }
    },
    signal: (name: NodeJS.Signals) => child.kill(name),
    /** The exit code, once every line it wrote has been read. */
    exitCode: async () => {
      const [code] = await Promise.all([exited, closed]);
      return code;
    },
    messages: () => lines.map((line) => line['msg']),
  };
}

describe('stopOnSignals in a real process', () => {
  it('stops once at SIGTERM and exits 0 after the stop resolves', async () => {
    const fixture = startFixture({ STOP_OUTCOME: 'resolve' });
    await fixture.lineWith('fixture ready');
    fixture.signal('SIGTERM');
    expect(await fixture.exitCode()).toBe(0);
    expect(fixture.messages()).toEqual(['fixture ready', 'stopping fixture', 'stop called', 'fixture stopped']);
    expect(fixture.lines[1]).toMatchObject({ level: 30, signal: 'SIGTERM', service: 'fixture' });
  });

  it('exits 1 with an "unclean stop" line when the stop rejects', async () => {
    const fixture = startFixture({ STOP_OUTCOME: 'reject' });
    await fixture.lineWith('fixture ready');
    fixture.signal('SIGINT');
    expect(await fixture.exitCode()).toBe(1);
    expect(await fixture.lineWith('unclean stop')).toMatchObject({ level: 50, error: 'platform refused to close' });
  });

  it('exits 130 at a second signal while the first stop is still running, without stopping twice', async () => {
    const fixture = startFixture({ STOP_OUTCOME: 'hang' });
    await fixture.lineWith('fixture ready');
    fixture.signal('SIGINT');
    await fixture.lineWith('stop called');
    fixture.signal('SIGTERM');
    expect(await fixture.exitCode()).toBe(130);
    expect(fixture.messages()).toEqual(['fixture ready', 'stopping fixture', 'stop called', 'second signal: exiting without finishing the stop']);
    expect(fixture.lines[3]).toMatchObject({ level: 40, signal: 'SIGTERM' });
  });

  it('exits 1 when the stop outlasts its timeout', async () => {
    const fixture = startFixture({ STOP_OUTCOME: 'hang', STOP_TIMEOUT_MS: '50' });
    await fixture.lineWith('fixture ready');
    fixture.signal('SIGTERM');
    expect(await fixture.exitCode()).toBe(1);
    expect(await fixture.lineWith('stopping fixture')).toMatchObject({ signal: 'SIGTERM', timeoutMs: 50 });
    expect(await fixture.lineWith('graceful stop took too long; exiting')).toMatchObject({ level: 50, timeoutMs: 50 });
  });
});
