/**
 * The benchmark's two scenarios, each against a fresh server process and a fresh fleet process:
 * memory (RSS per agent at fleet-size checkpoints) and delivery (config fan-out to the fleet,
 * then a closed loop of status reports).
 */
import type { ChildProcess } from 'node:child_process';
import { request } from './ipc';
import type { ServerKind } from './server-under-test';
import { endChild, spawnChild } from './spawn-child';

export interface MemoryPoint {
  agents: number;
  rss: number;
  perAgentBytes: number;
  /** Memory the server process holds for something else (see ServerUnderTest.retainedBytes). */
  retainedPerAgentBytes?: number;
  connectMs: number;
}

export interface MemoryResult {
  idleRss: number;
  points: MemoryPoint[];
}

/** One step of offered status-report load, measured inside the server. */
export interface StatusStep {
  offeredPerSecond: number;
  sentPerSecond: number;
  processedPerSecond: number;
  p99Ms: number;
  maxMs: number;
  serverCpuPercent: number;
}

/** One delivery of a new config version to every agent. */
export interface DeliveryRound {
  deliverMs: number;
  fanOutMs?: number;
  maxBlockMs: number;
  /** CPU time of the server process (all its threads) between the push and the last answer. */
  serverCpuMs: number;
  /** Time the server's main thread was ready to run but waited for a CPU (Linux schedstat; absent elsewhere). */
  serverWaitMs?: number;
  configsAppliedByAgents: number;
  fleetApplySpanMs: number;
}

/**
 * Several deliveries in a row, each of a new config version: the figures are the median round
 * (by delivery time), except the event-loop block, which is the worst of all rounds.
 */
export interface DeliveryResult {
  agents: number;
  configBytes: number;
  rounds: DeliveryRound[];
  deliverMs: number;
  fanOutMs?: number;
  deliverMaxBlockMs: number;
  serverCpuMs: number;
  serverWaitMs?: number;
  configsAppliedByAgents: number;
  fleetApplySpanMs: number;
  status: StatusStep[];
}

export type Outcome<T> = { ok: T } | { notWired: string };

interface Started {
  url?: string;
  notWired?: string;
}

const CONNECT_TIMEOUT_MS = 300_000;
/** The server under test (and the nats-server it starts) before the simulated fleet, which is not part of what is measured. */
export const SERVER_NICENESS = -10;
const FLEET_NICENESS = 0;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Server processes of one kind (each with its URL) and fleet processes, all started. */
export interface Rig {
  servers: ChildProcess[];
  urls: string[];
  fleets: ChildProcess[];
}

/**
 * Runs `body` with `servers` started server processes of a kind (each a server of its own: two
 * gateways are two gateway processes on their own ports) and `fleets` empty fleet processes;
 * tears them all down whatever happens.
 */
export async function withRig<T>(
  kind: ServerKind,
  shape: { servers: number; fleets: number; fleetNiceness?: number },
  body: (rig: Rig) => Promise<T>,
): Promise<Outcome<T>> {
  const servers = Array.from({ length: shape.servers }, () => spawnChild('server-process.ts', [kind], SERVER_NICENESS));
  const fleets: ChildProcess[] = [];
  try {
    const started = await Promise.all(servers.map((server) => request<Started>(server, 'start')));
    const notWired = started.find((s) => s.notWired);
    if (notWired) return { notWired: notWired.notWired! };
    for (let i = 0; i < shape.fleets; i++) fleets.push(spawnChild('agents-process.ts', [], shape.fleetNiceness ?? FLEET_NICENESS));
    return { ok: await body({ servers, urls: started.map((s) => s.url!), fleets }) };
  } finally {
    await Promise.all(
      fleets.map(async (fleet) => {
        await request(fleet, 'closeAll', {}, 60_000).catch(() => undefined);
        await endChild(fleet);
      }),
    );
    await Promise.all(
      servers.map(async (server) => {
        await request(server, 'stop', {}, 30_000).catch(() => undefined);
        await endChild(server);
      }),
    );
  }
}

/** Runs `body` with a started server and an empty fleet; tears both down whatever happens. */
export function withServerAndFleet<T>(
  kind: ServerKind,
  body: (server: ChildProcess, fleet: ChildProcess, url: string) => Promise<T>,
  fleetNiceness = FLEET_NICENESS,
): Promise<Outcome<T>> {
  return withRig(kind, { servers: 1, fleets: 1, fleetNiceness }, ({ servers, fleets, urls }) => body(servers[0]!, fleets[0]!, urls[0]!));
}

export async function grow(server: ChildProcess, fleet: ChildProcess, url: string, from: number, to: number) {
  const r = await request<{ connected: number; failed: number; firstError?: string; ms: number }>(
    fleet,
    'connect',
    { url, count: to - from },
    CONNECT_TIMEOUT_MS,
  );
  if (r.failed > 0) throw new Error(`${r.failed} agents failed to connect (first: ${r.firstError})`);
  await request(server, 'waitAgents', { count: to, timeoutMs: 60_000 });
  return r.ms;
}

export function measureMemory(kind: ServerKind, checkpoints: number[]): Promise<Outcome<MemoryResult>> {
  return withServerAndFleet(kind, async (server, fleet, url) => {
    const idle = await request<{ rss: number }>(server, 'rss');
    const points: MemoryPoint[] = [];
    let connected = 0;
    for (const target of checkpoints) {
      const connectMs = await grow(server, fleet, url, connected, target);
      connected = target;
      const m = await request<{ rss: number; agents: number; retained?: { bytes: number } }>(server, 'rss');
      points.push({
        agents: m.agents,
        rss: m.rss,
        perAgentBytes: (m.rss - idle.rss) / m.agents,
        retainedPerAgentBytes: m.retained && m.retained.bytes / m.agents,
        connectMs,
      });
    }
    return { idleRss: idle.rss, points };
  });
}

interface Window {
  messages: number;
  seconds: number;
  perSecond: number;
  p99Ms: number;
  maxMs: number;
  cpuPercent: number;
}

interface FleetCounters {
  configsApplied: number;
  reportsSent: number;
  firstApplyAt: number;
  lastApplyAt: number;
}

/**
 * Steps the offered status-report rate up; each step warms up for 1 s, then is measured for
 * `stepSeconds`. Stops after the first step the server cannot keep up with (processed < 90%).
 */
async function statusSteps(server: ChildProcess, fleet: ChildProcess, rates: number[], stepSeconds: number): Promise<StatusStep[]> {
  const steps: StatusStep[] = [];
  try {
    for (const rate of rates) {
      await request(fleet, 'statusRate', { perSecond: rate });
      await sleep(1_000);
      const before = await request<FleetCounters>(fleet, 'counters');
      await request(server, 'windowStart');
      await sleep(stepSeconds * 1_000);
      const w = await request<Window>(server, 'windowStop');
      const after = await request<FleetCounters>(fleet, 'counters');
      steps.push({
        offeredPerSecond: rate,
        sentPerSecond: (after.reportsSent - before.reportsSent) / w.seconds,
        processedPerSecond: w.perSecond,
        p99Ms: w.p99Ms,
        maxMs: w.maxMs,
        serverCpuPercent: w.cpuPercent,
      });
      if (w.perSecond < 0.9 * rate) break;
    }
  } finally {
    await request(fleet, 'statusRate', { perSecond: 0 });
  }
  return steps;
}

async function deliverOnce(server: ChildProcess, fleet: ChildProcess, configBytes: number, round: number): Promise<DeliveryRound> {
  await request(fleet, 'resetCounters');
  const d = await request<{ agents: number; ms: number; fanOutMs?: number; maxMs: number; cpuMs: number; waitMs?: number }>(server, 'deliver', { bytes: configBytes, round });
  const fleetCounters = await request<FleetCounters>(fleet, 'counters');
  return {
    deliverMs: d.ms,
    fanOutMs: d.fanOutMs,
    maxBlockMs: d.maxMs,
    serverCpuMs: d.cpuMs,
    serverWaitMs: d.waitMs,
    configsAppliedByAgents: fleetCounters.configsApplied,
    fleetApplySpanMs: fleetCounters.lastApplyAt - fleetCounters.firstApplyAt,
  };
}

export function measureDelivery(
  kind: ServerKind,
  agents: number,
  configBytes: number,
  deliveries: number,
  statusRates: number[],
  stepSeconds: number,
): Promise<Outcome<DeliveryResult>> {
  return withServerAndFleet(kind, async (server, fleet, url) => {
    await grow(server, fleet, url, 0, agents);
    const rounds: DeliveryRound[] = [];
    for (let round = 1; round <= deliveries; round++) {
      rounds.push(await deliverOnce(server, fleet, configBytes, round));
      await sleep(1_000); // let the fan-out's garbage settle before what comes next
    }
    const median = [...rounds].sort((a, b) => a.deliverMs - b.deliverMs)[Math.floor((rounds.length - 1) / 2)]!;
    const status = await statusSteps(server, fleet, statusRates, stepSeconds);
    return {
      agents,
      configBytes,
      rounds,
      deliverMs: median.deliverMs,
      fanOutMs: median.fanOutMs,
      deliverMaxBlockMs: Math.max(...rounds.map((r) => r.maxBlockMs)),
      serverCpuMs: median.serverCpuMs,
      serverWaitMs: median.serverWaitMs,
      configsAppliedByAgents: Math.min(...rounds.map((r) => r.configsAppliedByAgents)),
      fleetApplySpanMs: median.fleetApplySpanMs,
      status,
    };
  });
}
