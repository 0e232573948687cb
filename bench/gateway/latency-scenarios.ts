/**
 * What agents feel, against fresh server processes and fresh fleet processes each: reply
 * latency measured at the agent under open-loop status reports, the server's capacity (a short
 * ramp of offered rates) and what it does when offered more (overload), and a connect storm
 * (every agent connecting at once) with the kernel's listen-queue overflows counted around it.
 *
 * A rig is one or more server processes of one kind and one or more fleet processes: agents
 * are split evenly over the fleets, fleet i connecting to server i mod servers, and every rate
 * is split over the fleets. Figures add up over the servers (processed, CPU, RSS) and latency
 * percentiles are taken over every fleet's replies together.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { request } from './ipc';
import { SERVER_NICENESS, sleep, withRig, type Outcome, type Rig } from './scenarios';
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
/** How long the fleets wait for the replies to a window's reports; later ones count as unanswered. */
export const GRACE_MS = 5_000;
/** A step whose server processed less than this share of the offered rate did not keep up. */
const KEPT_UP_SHARE = 0.9;

/** One offered rate of status reports, measured at the agents and inside the servers. */
export interface LatencyStep {
  offeredPerSecond: number;
  sentPerSecond: number;
  /** Replies whose message was sent in the window and that arrived within the grace time. */
  samples: number;
  unanswered: number;
  /** Percentiles over the timed replies and the unanswered ones (as slower than any): Infinity when an unanswered one is at the rank. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The busiest load client's CPU, % of a core. */
  clientCpuPercent: number;
  processedPerSecond: number;
  serverCpuPercent: number;
  /** Absent for a server without a Node event loop (the opamp-go peer). */
  serverLoopP99Ms?: number;
  serverLoopMaxMs?: number;
  /** The servers' RSS added up: when the window started, ended, and the highest sampled. */
  rssStartBytes: number;
  rssEndBytes: number;
  rssPeakBytes: number;
  /** The machine's 1-minute load average when the step ended: other work on the cores skews every figure. */
  loadAverage: number;
  /** Why the row is not a figure, if it is not. */
  invalid?: string;
}

/** An offered rate above what the server can process, kept up for a while. */
export interface OverloadStep extends LatencyStep {
  /** The servers' RSS before the rate was raised; rssPeakBytes is the highest from then to the window's end. */
  rssBeforeBytes: number;
}

export interface LoadResult {
  steps: LatencyStep[];
  /** The capacity ramp's steps (rates above the latency rates). */
  ramp: LatencyStep[];
  /** The most processed per second in any step. */
  capacityPerSecond: number;
  /**
   * What bounds that figure: the server (a valid step it did not keep up with), the load client (a
   * step it could not offer; the server's capacity is higher), or the highest rate tried (likewise).
   */
  capacityLimit: 'server' | 'load client' | 'highest rate tried';
  overload?: OverloadStep;
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
    reasons.push(`sent ${(step.sentPerSecond / step.offeredPerSecond * 100).toFixed(1)}% of the offered rate (< ${MIN_SENT_SHARE * 100}%)`);
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

interface FleetWindow {
  seconds: number;
  reportsSent: number;
  unanswered: number;
  latencyUs: number[];
  clientCpuPercent: number;
}

interface ServerWindow {
  perSecond: number;
  cpuPercent: number;
  p99Ms?: number;
  maxMs?: number;
  rssStart: number;
  rssEnd: number;
  rssPeak: number;
}

/** The p-th percentile (nearest rank) of sorted timed values followed by `missing` slower ones. */
function percentile(sorted: number[], missing: number, p: number): number {
  const total = sorted.length + missing;
  if (total === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  return rank <= sorted.length ? sorted[rank - 1]! : Infinity;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** `total` split into `parts` shares differing by at most one. */
const shares = (total: number, parts: number) => Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
const most = (values: (number | undefined)[]) => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length ? Math.max(...known) : undefined;
};

/** Sets the aggregate offered rate, split over the fleets. */
function offer(rig: Rig, perSecond: number): Promise<unknown> {
  return Promise.all(rig.fleets.map((fleet) => request(fleet, 'statusRate', { perSecond: perSecond / rig.fleets.length })));
}

/** Waits (up to `maxSeconds`) until every report sent has its reply; resolves with how many have none. */
async function drain(rig: Rig, maxSeconds: number): Promise<number> {
  const giveUpAt = performance.now() + maxSeconds * 1_000;
  for (;;) {
    const pending = sum(await Promise.all(rig.fleets.map(async (fleet) => (await request<{ pending: number }>(fleet, 'pending')).pending)));
    if (pending === 0 || performance.now() > giveUpAt) return pending;
    await sleep(200);
  }
}

/** The servers' RSS added up, now (no garbage collection forced). */
async function rssNow(rig: Rig): Promise<number> {
  return sum(await Promise.all(rig.servers.map(async (server) => (await request<{ rssBytes: number }>(server, 'usage')).rssBytes)));
}

/** One measured window at `rate` (already offered and warmed up): what the fleets saw and what the servers did. */
async function measuredWindow(rig: Rig, rate: number, seconds: number): Promise<LatencyStep> {
  await Promise.all(rig.fleets.map((fleet) => request(fleet, 'latencyStart')));
  await Promise.all(rig.servers.map((server) => request(server, 'windowStart')));
  await sleep(seconds * 1_000);
  const s = await Promise.all(rig.servers.map((server) => request<ServerWindow>(server, 'windowStop')));
  const a = await Promise.all(rig.fleets.map((fleet) => request<FleetWindow>(fleet, 'latencyStop', { graceMs: GRACE_MS }, GRACE_MS + 60_000)));
  const latencies = a.flatMap((w) => w.latencyUs).sort((x, y) => x - y);
  const unanswered = sum(a.map((w) => w.unanswered));
  const ms = (p: number) => percentile(latencies, unanswered, p) / 1000;
  const step: LatencyStep = {
    offeredPerSecond: rate,
    sentPerSecond: sum(a.map((w) => w.reportsSent / w.seconds)),
    samples: latencies.length,
    unanswered,
    p50Ms: ms(50),
    p99Ms: ms(99),
    maxMs: unanswered > 0 ? Infinity : (latencies.at(-1) ?? NaN) / 1000,
    clientCpuPercent: Math.max(...a.map((w) => w.clientCpuPercent)),
    processedPerSecond: sum(s.map((w) => w.perSecond)),
    serverCpuPercent: sum(s.map((w) => w.cpuPercent)),
    serverLoopP99Ms: most(s.map((w) => w.p99Ms)),
    serverLoopMaxMs: most(s.map((w) => w.maxMs)),
    rssStartBytes: sum(s.map((w) => w.rssStart)),
    rssEndBytes: sum(s.map((w) => w.rssEnd)),
    rssPeakBytes: sum(s.map((w) => w.rssPeak)),
    loadAverage: loadavg()[0]!,
  };
  const invalid = invalidReason(step);
  return invalid ? { ...step, invalid } : step;
}

async function latencyStep(rig: Rig, rate: number, seconds: number, warmUpSeconds: number): Promise<LatencyStep> {
  await offer(rig, rate);
  await sleep(warmUpSeconds * 1_000);
  return measuredWindow(rig, rate, seconds);
}

/**
 * Brings the fleets to `agents` connected, split over them, fleet i to server i mod servers
 * (connecting only those missing: after a storm, those that failed); waits until every server
 * has its share.
 */
async function connectAgents(rig: Rig, agents: number, timeoutMs = 300_000): Promise<void> {
  const counts = shares(agents, rig.fleets.length);
  const results = await Promise.all(
    rig.fleets.map(async (fleet, i) => {
      const have = (await request<{ agents: number }>(fleet, 'counters')).agents;
      if (have >= counts[i]!) return { failed: 0 };
      return request<{ failed: number; firstError?: string }>(fleet, 'connect', { url: rig.urls[i % rig.urls.length], count: counts[i]! - have }, timeoutMs);
    }),
  );
  const failed = sum(results.map((r) => r.failed));
  if (failed > 0) throw new Error(`${failed} agents failed to connect (first: ${results.find((r) => r.firstError)?.firstError})`);
  await Promise.all(
    rig.servers.map((server, s) =>
      request(server, 'waitAgents', { count: sum(counts.filter((_, i) => i % rig.servers.length === s)), timeoutMs: 60_000 }),
    ),
  );
}

export interface LoadPlan {
  agents: number;
  rates: number[];
  seconds: number;
  warmUpSeconds: number;
  /** The capacity ramp: from the last rate, each step `factor` × the last, at most `steps`; none when 0 steps. */
  ramp: { factor: number; steps: number; seconds: number; warmUpSeconds: number };
  /** The overload's offered rate: a number, or a multiple of this rig's own capacity; `drainSeconds` bounds the wait for the last step's replies. */
  overload?: { perSecond?: number; timesCapacity?: number; seconds: number; warmUpSeconds: number; drainSeconds: number };
}

/** A step the server kept up with, measured for the server and not the client. */
const keptUp = (step: LatencyStep) => step.processedPerSecond >= KEPT_UP_SHARE * step.offeredPerSecond;

/**
 * `plan.agents` connected, then open-loop health reports at each rate in turn (warm-up, then a
 * measured window); stops after the first rate the servers process less than 90% of. Then the
 * ramp, past the last rate, until the servers do not keep up or the load client cannot offer the
 * rate (a step printed invalid): the capacity is the most processed per second in any step. Then
 * the overload: once the last step's replies are in (or `drainSeconds` passed), an offered rate
 * above the capacity, with the servers' RSS before it was raised.
 */
async function measureLoad(rig: Rig, plan: LoadPlan, log: (line: string) => void): Promise<LoadResult> {
  await connectAgents(rig, plan.agents);
  const steps: LatencyStep[] = [];
  const ramp: LatencyStep[] = [];
  let capacityFound = false;
  try {
    for (const rate of plan.rates) {
      const step = await latencyStep(rig, rate, plan.seconds, plan.warmUpSeconds);
      log(describeStep(step));
      steps.push(step);
      if (!keptUp(step)) {
        capacityFound = !step.invalid;
        break;
      }
    }
    let rate = plan.rates.at(-1)!;
    for (let i = 0; i < plan.ramp.steps && !capacityFound && steps.every((s) => !s.invalid); i++) {
      rate = Math.round(rate * plan.ramp.factor);
      const step = await latencyStep(rig, rate, plan.ramp.seconds, plan.ramp.warmUpSeconds);
      log(`ramp ${describeStep(step)}`);
      ramp.push(step);
      if (step.invalid) break;
      capacityFound = !keptUp(step);
    }
    const capacityPerSecond = Math.max(...[...steps, ...ramp].map((s) => s.processedPerSecond));
    const last = [...steps, ...ramp].at(-1)!;
    const capacityLimit = capacityFound ? 'server' : last.invalid ? 'load client' : 'highest rate tried';
    const result: LoadResult = { steps, ramp, capacityPerSecond, capacityLimit };
    const o = plan.overload;
    const overloadRate = o && Math.round(o.perSecond ?? (o.timesCapacity ?? 2) * capacityPerSecond);
    if (o && overloadRate) {
      await offer(rig, 0);
      const left = await drain(rig, o.drainSeconds);
      if (left > 0) log(`${left} reports of the last step still unanswered after ${o.drainSeconds} s; the overload starts anyway`);
      // RSS from before the rate is raised to the window's end, warm-up included.
      const rssBeforeBytes = await rssNow(rig);
      let rssPeakBytes = rssBeforeBytes;
      const sampler = setInterval(() => void rssNow(rig).then((b) => (rssPeakBytes = Math.max(rssPeakBytes, b)), () => undefined), 250);
      let step: LatencyStep;
      try {
        step = await latencyStep(rig, overloadRate, o.seconds, o.warmUpSeconds);
      } finally {
        clearInterval(sampler);
      }
      rssPeakBytes = Math.max(rssPeakBytes, step.rssPeakBytes);
      log(`overload ${describeStep(step)}, RSS ${mb(rssBeforeBytes)} → ${mb(rssPeakBytes)} MB at most`);
      result.overload = { ...step, rssBeforeBytes, rssPeakBytes };
    }
    return result;
  } finally {
    await offer(rig, 0);
  }
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const formatMs = (ms: number) => (ms === Infinity ? `> ${GRACE_MS / 1000} s` : `${ms.toFixed(1)} ms`);

function describeStep(s: LatencyStep): string {
  return (
    `${s.offeredPerSecond}/s: processed ${s.processedPerSecond.toFixed(0)}/s, p50 ${formatMs(s.p50Ms)}, p99 ${formatMs(s.p99Ms)}, ` +
    `server CPU ${s.serverCpuPercent.toFixed(0)}%, client CPU ${s.clientCpuPercent.toFixed(0)}%${s.invalid ? ` — invalid: ${s.invalid}` : ''} (load ${s.loadAverage.toFixed(2)})`
  );
}

/** `agents` connecting all at once to fresh servers, split over the fleets as in connectAgents: time until every one has its first reply. */
async function connectStorm(rig: Rig, agents: number, timeoutMs = 60_000): Promise<StormResult> {
  const counts = shares(agents, rig.fleets.length);
  const before = listenOverflows();
  const results = await Promise.all(
    rig.fleets.map((fleet, i) =>
      request<{ connected: number; failed: number; firstError?: string; ms: number; cpuMs: number }>(
        fleet,
        'connect',
        { url: rig.urls[i % rig.urls.length], count: counts[i], concurrency: counts[i], timeoutMs },
        timeoutMs + 60_000,
      ),
    ),
  );
  const after = listenOverflows();
  return {
    agents,
    connected: sum(results.map((r) => r.connected)),
    failed: sum(results.map((r) => r.failed)),
    firstError: results.find((r) => r.firstError)?.firstError,
    allFirstRepliesMs: Math.max(...results.map((r) => r.ms)),
    clientCpuMs: sum(results.map((r) => r.cpuMs)),
    listenOverflows: before === undefined || after === undefined ? undefined : after - before,
    loadAverage: loadavg()[0]!,
  };
}

export interface ColumnResult {
  load: Outcome<LoadResult>;
  storm: Outcome<StormResult>;
}

/**
 * One server setup: the connect storm against fresh servers, then the load scenario over the
 * agents it connected, in one rig when the storm's size is the load's (the default); otherwise
 * each in a rig of its own. Either is left out when not asked for.
 */
export async function measureColumn(
  kind: ServerKind,
  shape: { servers: number; fleets: number },
  what: { plan?: LoadPlan; storm?: number },
  log: (line: string) => void,
): Promise<ColumnResult> {
  const rigShape = { ...shape, fleetNiceness: FLEET_NICENESS };
  const notSelected = { notWired: 'not selected (--scenarios)' };
  const storm = async (rig: Rig, agents: number) => {
    log(`connect storm: ${agents} agents at once (load average ${loadavg()[0]!.toFixed(2)})`);
    const r = await connectStorm(rig, agents);
    log(`  all first replies after ${r.allFirstRepliesMs.toFixed(0)} ms, ${r.failed} failed, listen overflows ${r.listenOverflows ?? '—'} (load ${r.loadAverage.toFixed(2)})`);
    return r;
  };
  const { plan, storm: stormAgents } = what;
  if (plan && stormAgents === plan.agents) {
    let stormResult: StormResult | undefined;
    const load = await withRig(kind, rigShape, async (rig) => {
      stormResult = await storm(rig, stormAgents);
      await sleep(plan.warmUpSeconds * 1_000); // the servers finish what the storm left them before any rate is offered
      return measureLoad(rig, plan, log);
    });
    return { load, storm: 'notWired' in load ? load : stormResult ? { ok: stormResult } : notSelected };
  }
  return {
    storm: stormAgents ? await withRig(kind, rigShape, (rig) => storm(rig, stormAgents)) : notSelected,
    load: plan ? await withRig(kind, rigShape, (rig) => measureLoad(rig, plan, log)) : notSelected,
  };
}
