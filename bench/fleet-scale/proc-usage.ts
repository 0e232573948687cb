/**
 * CPU time and RSS of a process that is not ours to ask (the nats-server), from Linux's /proc;
 * undefined elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseListenOverflows } from '../gateway/latency-scenarios';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The pid of the process whose command line contains `text` (e.g. a server's private data directory). */
export function findPid(text: string): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmdline.includes(text) && Number(entry) !== process.pid) return Number(entry);
      } catch {
        // Gone while we looked.
      }
    }
  } catch {
    // No /proc.
  }
  return undefined;
}

/** User + system CPU seconds and RSS of `pid`. */
export function procUsage(pid: number | undefined): { cpuSeconds: number; rssBytes: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { cpuSeconds, rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/** The kernel's TcpExt ListenOverflows counter (the whole network namespace); undefined off Linux. */
export function listenOverflows(): number | undefined {
  try {
    return parseListenOverflows(readFileSync('/proc/net/netstat', 'utf8'));
  } catch {
    return undefined;
  }
}
