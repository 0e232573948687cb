/**
 * What agents feel, against a fresh server process and a fresh fleet process each: reply
 * latency measured at the agent under open-loop status reports, and a connect storm (every
 * agent connecting at once) with the kernel's listen-queue overflows counted around it.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { request } from './ipc';
import { SERVER_NICENESS, grow, sleep, withServerAndFleet, type Outcome } from './scenarios';
import type { ServerKind } from './server-under-test';

/** A row is a figure only when the load client kept up; otherwise it measured the client. */
export const CLIENT_CPU_LIMIT_PERCENT = 60;
export const MIN_SENT_SHARE = 0.95;
/**
 * The fleet runs at the server's priority here (where allowed): its timestamps are the figure,
 * and on a shared machine a fleet below other work would add that work's time slices to every
 * reply it waits to read.
 */
const FLEET_NICENESS = SERVER_NICENESS;
/** More than this means the client stalled and then sent what fell due in a burst. */
export const MAX_SENT_SHARE = 1.05;

/** One offered rate of status reports, measured at the agents and inside the server. */
export interface LatencyStep {
  offeredPerSecond: number;
  sentPerSecond: number;
  /** Replies whose message was sent in the window and that arrived within the grace time. */
  samples: number;
  unanswered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  clientCpuPercent: number;
  processedPerSecond: number;
  serverCpuPercent: number;
  serverLoopP99Ms: number;
  serverLoopMaxMs: number;
  /** The machine's 1-minute load average when the step ended: other work on the cores skews every figure. */
  loadAverage: number;
  /** Why the row is not a figure, if it is not. */
  invalid?: string;
}

export interface StormResult {
  agents: number;
  connected: number;
  failed: number;
  firstError?: string;
  /** From the first connect to the last agent's first reply. */
  allFirstRepliesMs: number;
  clientCpuMs: number;
  /** Growth of the kernel's TcpExt ListenOverflows counter over the storm (the whole network namespace). */
  listenOverflows?: number;
  loadAverage: number;
}

/** Why a step's figures describe the load client rather than the server, if they do. */
export function invalidReason(step: Pick<LatencyStep, 'offeredPerSecond' | 'sentPerSecond' | 'clientCpuPercent'>): string | undefined {
  const reasons: string[] = [];
  if (step.clientCpuPercent > CLIENT_CPU_LIMIT_PERCENT) reasons.push(`load client used ${step.clientCpuPercent.toFixed(0)}% of a core (> ${CLIENT_CPU_LIMIT_PERCENT}%)`);
  if (step.sentPerSecond < MIN_SENT_SHARE * step.offeredPerSecond) {
    reasons.push(`sent ${(step.sentPerSecond / step.offeredPerSecond * 100).toFixed(0)}% of the offered rate (< ${MIN_SENT_SHARE * 100}%)`);
  }
  if (step.sentPerSecond > MAX_SENT_SHARE * step.offeredPerSecond) {
    reasons.push(`sent ${(step.sentPerSecond / step.offeredPerSecond * 100).toFixed(0)}% of the offered rate (> ${MAX_SENT_SHARE * 100}%: the client stalled, then sent a burst)`);
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The TcpExt ListenOverflows counter from /proc/net/netstat's text (a header line, then a value line). */
export function parseListenOverflows(netstat: string): number | undefined {
  const lines = netstat.split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const at = names.indexOf('ListenOverflows');
  return at < 0 || values[at] === undefined ? undefined : Number(values[at]);
}

function listenOverflows(): number | undefined {
  try {
    return parseListenOverflows(readFileSync('/proc/net/netstat', 'utf8'));
  } catch {
    return undefined; // not Linux
  }
}

interface LatencyWindow {
  seconds: number;
  reportsSent: number;
  samples: number;
  unanswered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  clientCpuPercent: number;
}

interface ServerWindow {
  perSecond: number;
  cpuPercent: number;
  p99Ms: number;
  maxMs: number;
}

async function latencyStep(server: ChildProcess, fleet: ChildProcess, rate: number, seconds: number, warmUpSeconds: number): Promise<LatencyStep> {
  await request(fleet, 'statusRate', { perSecond: rate });
  await sleep(warmUpSeconds * 1_000);
  await request(fleet, 'latencyStart');
  await request(server, 'windowStart');
  await sleep(seconds * 1_000);
  const s = await request<ServerWindow>(server, 'windowStop');
  const a = await request<LatencyWindow>(fleet, 'latencyStop', { graceMs: 5_000 });
  const step: LatencyStep = {
    offeredPerSecond: rate,
    sentPerSecond: a.reportsSent / a.seconds,
    samples: a.samples,
    unanswered: a.unanswered,
    p50Ms: a.p50Ms,
    p99Ms: a.p99Ms,
    maxMs: a.maxMs,
    clientCpuPercent: a.clientCpuPercent,
    processedPerSecond: s.perSecond,
    serverCpuPercent: s.cpuPercent,
    serverLoopP99Ms: s.p99Ms,
    serverLoopMaxMs: s.maxMs,
    loadAverage: loadavg()[0]!,
  };
  const invalid = invalidReason(step);
  return invalid ? { ...step, invalid } : step;
}

/**
 * `agents` connected, then open-loop health reports at each rate in turn (`warmUpSeconds`, then
 * `seconds` measured); stops after the first rate the server processes less than 90% of.
 */
export function measureAgentLatency(kind: ServerKind, agents: number, rates: number[], seconds: number, warmUpSeconds: number): Promise<Outcome<LatencyStep[]>> {
  return withServerAndFleet(kind, async (server, fleet, url) => {
    await grow(server, fleet, url, 0, agents);
    const steps: LatencyStep[] = [];
    try {
      for (const rate of rates) {
        const step = await latencyStep(server, fleet, rate, seconds, warmUpSeconds);
        steps.push(step);
        if (step.processedPerSecond < 0.9 * rate) break;
      }
    } finally {
      await request(fleet, 'statusRate', { perSecond: 0 });
    }
    return steps;
  }, FLEET_NICENESS);
}

/** `agents` connecting all at once to a fresh server: time until every one has its first reply. */
export function measureConnectStorm(kind: ServerKind, agents: number, timeoutMs = 60_000): Promise<Outcome<StormResult>> {
  return withServerAndFleet(kind, async (_server, fleet, url) => {
    const before = listenOverflows();
    const r = await request<{ connected: number; failed: number; firstError?: string; ms: number; cpuMs: number }>(
      fleet,
      'connect',
      { url, count: agents, concurrency: agents, timeoutMs },
      timeoutMs + 60_000,
    );
    const after = listenOverflows();
    return {
      agents,
      connected: r.connected,
      failed: r.failed,
      firstError: r.firstError,
      allFirstRepliesMs: r.ms,
      clientCpuMs: r.cpuMs,
      listenOverflows: before === undefined || after === undefined ? undefined : after - before,
      loadAverage: loadavg()[0]!,
    };
  }, FLEET_NICENESS);
}
