/**
 * `npm start` as people and process managers run it: npm is the process they signal. SIGTERM to
 * npm must stop Roost itself (npm forwards it to its script; the script execs node, so the signal
 * reaches Roost and not a shell that would die and leave Roost running).
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { eventually } from '@roost/testing';
import { REPO_ROOT } from './roost-cli';

/** Live processes whose parent is `ppid`. */
function children(ppid: number): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid && fields[0] !== 'Z') pids.push(Number(pid));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Every live process below `pid`. */
function descendants(pid: number): number[] {
  return children(pid).flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('stops Roost gracefully when npm gets SIGTERM', async () => {
    const npm = spawn('npm', ['start', '--', '--gateway-port', '0', '--admin-port', '0', '--projector-port', '0', '--orchestrator-port', '0', '--grpc-port', 'off'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    let below: number[] = [];
    try {
      await eventually(() => output.includes('stop with Ctrl-C (SIGINT) or SIGTERM'), { timeoutMs: 60_000, intervalMs: 100, what: `Roost's ready banner under npm start:\n${output}` });
      below = descendants(npm.pid!);
      expect(below.length).toBeGreaterThan(0);

      npm.kill('SIGTERM');
      await exited;
      await eventually(() => below.every((pid) => !alive(pid)), { timeoutMs: 25_000, what: 'every process npm started to exit' });
      expect(output).toContain('"signal":"SIGTERM"');
      expect(output).toContain('roost stopped');
    } finally {
      for (const pid of [npm.pid!, ...below].filter(alive)) process.kill(pid, 'SIGKILL');
    }
  }, 90_000);
});
