/**
 * Starts a benchmark child process: a TypeScript entry run by Node with tsx, an IPC channel to
 * the runner, and the open-files soft limit raised to the hard limit (a process holding 19k
 * sockets needs it; the shell's `ulimit` is the only portable way to raise it for a child).
 * Where allowed (root), the child also runs at the given scheduling priority: the server under
 * test at a raised one, so that other work on a shared machine — the simulated fleet included,
 * which in production runs on other machines — preempts it less; elsewhere that step is
 * silently skipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Extra Node flags for every child, e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=tmp/prof". */
const EXTRA_NODE_FLAGS = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);

export function spawnChild(entry: string, args: string[], niceness: number, nodeFlags: string[] = EXTRA_NODE_FLAGS): ChildProcess {
  const script = `ulimit -n "$(ulimit -Hn)" 2>/dev/null; renice -n ${niceness} -p $$ >/dev/null 2>&1; exec "$@"`;
  const child = spawn(
    'sh',
    ['-c', script, 'sh', process.execPath, '--expose-gc', '--import', 'tsx', ...nodeFlags, join(__dirname, entry), ...args],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } },
  );
  return child;
}

/** Ends a child: a polite disconnect first, SIGKILL if it is still there after `graceMs`. */
export async function endChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
