/** Probes of a collector process from outside: its ports, its process, as Linux shows them. */
import { readFileSync, readdirSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';

/** True when something accepts a TCP connection on 127.0.0.1:port within `timeoutMs`. */
export function tcpAnswers(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when an OTLP/HTTP receiver on 127.0.0.1:port takes an (empty) trace export: the collector's pipeline is up there. */
export async function otlpHttpAccepts(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceSpans":[]}',
      signal: AbortSignal.timeout(2_000),
    });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Holds 127.0.0.1:port open (for "port already taken" configs) until `close()`. */
export async function holdPort(port: number): Promise<{ close(): Promise<void> }> {
  const server: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A process as /proc shows it: its pid and its start time (clock ticks since boot), which tell a restart from the same process. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTicks: number;
}

function statOf(pid: number): { ppid: number; startTicks: number; state: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces and parentheses: fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), startTicks: Number(fields[19]) };
  } catch {
    return null;
  }
}

/** Live (not zombie) children of `parentPid`. */
export function childProcesses(parentPid: number): ProcessIdentity[] {
  const children: ProcessIdentity[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat !== null && stat.ppid === parentPid && stat.state !== 'Z') children.push({ pid: Number(entry), startTicks: stat.startTicks });
  }
  return children;
}

/** True while the very process (same pid, same start time) is alive and not a zombie. */
export function processAlive(process: ProcessIdentity): boolean {
  const stat = statOf(process.pid);
  return stat !== null && stat.state !== 'Z' && stat.startTicks === process.startTicks;
}
