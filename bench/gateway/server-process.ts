/**
 * Hosts one server under test in its own process and measures it from the inside: RSS, CPU, and
 * the event loop's delay with `perf_hooks.monitorEventLoopDelay`, reported to the runner over
 * IPC. For a server in a process of its own (the opamp-go peer) RSS and CPU are that process's,
 * and there is no event loop to measure.
 * Usage (by run.ts, latency.ts): server-process.ts baseline|gateway|opamp-go
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { createRoundProfiler } from './delivery-profiler';
import { serve } from './ipc';
import { createBareWsServer } from './servers/bare-ws';
import { createOpampGoPeer } from './servers/opamp-go';
import { createRoostGateway } from './servers/roost-gateway';
import { ServerNotWiredError, type ServerKind, type ServerUnderTest } from './server-under-test';

const kind = process.argv[2] as ServerKind;

function create(k: ServerKind): ServerUnderTest {
  switch (k) {
    case 'baseline':
      return createBareWsServer();
    case 'gateway':
      return createRoostGateway();
    case 'opamp-go':
      return createOpampGoPeer();
    default:
      throw new Error(`unknown server kind ${String(k)}`);
  }
}

const gc = (globalThis as { gc?: () => void }).gc;

/**
 * Milliseconds this thread has spent runnable but waiting for a CPU (the second field of
 * Linux's schedstat): preemption by the other processes on the machine. Undefined elsewhere.
 */
function runQueueWaitMs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return undefined;
  }
}
const ms = (ns: number) => ns / 1e6;

/** Event-loop delay in ms over one measured window; resolution 1 ms. */
function loopMonitor(): { stop(): { p99Ms: number; maxMs: number } } {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  return {
    stop() {
      h.disable();
      return { p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
    },
  };
}

/** The server's CPU time (µs, user + system) and resident memory: this process's, or its own process's. */
async function usage(): Promise<{ cpuMicros: number; rssBytes: number }> {
  if (server?.externalUsage) return server.externalUsage();
  const cpu = process.cpuUsage();
  return { cpuMicros: cpu.user + cpu.system, rssBytes: process.memoryUsage.rss() };
}

/** The event loop's delay, for a server that runs on this process's loop. */
const serverLoopMonitor = () => (server?.externalUsage ? undefined : loopMonitor());

let server: ServerUnderTest | undefined;
const profiler = createRoundProfiler();
let window:
  | { monitor?: ReturnType<typeof loopMonitor>; startedAt: bigint; messages: number; cpuMicros: number; rss: { start: number; peak: number }; sampler: NodeJS.Timeout }
  | undefined;

serve({
  start: async () => {
    try {
      server = create(kind);
    } catch (err) {
      if (err instanceof ServerNotWiredError) return { notWired: `not wired: ${err.message}` };
      throw err;
    }
    return server.start();
  },
  rss: async () => {
    for (let i = 0; i < 2; i++) {
      if (server?.collectGarbage) await server.collectGarbage();
      else gc?.();
      await new Promise((r) => setTimeout(r, 200));
    }
    return { rss: (await usage()).rssBytes, agents: await server!.connectedAgents(), retained: server!.retainedBytes?.() };
  },
  waitAgents: async (p: { count: number; timeoutMs: number }) => {
    const deadline = Date.now() + p.timeoutMs;
    let agents: number;
    while ((agents = await server!.connectedAgents()) < p.count) {
      if (Date.now() > deadline) throw new Error(`only ${agents} of ${p.count} agents connected`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { agents };
  },
  deliver: async (p: { bytes: number; round: number }) => {
    const body = Buffer.alloc(p.bytes, 'x'.charCodeAt(0));
    // A new config version each round: agents that applied the last one must take this one.
    body.write(`receivers: {otlp: {}}\n# round ${p.round}, padding follows\n`);
    await server!.prepareConfig(body);
    const monitor = serverLoopMonitor();
    await new Promise((r) => setTimeout(r, 50)); // the monitor's timer must be running before the push
    await profiler.start();
    const start = process.hrtime.bigint();
    const cpu = (await usage()).cpuMicros;
    // The run-queue wait is this thread's: of no meaning for a server in another process.
    const waitedBefore = server!.externalUsage ? undefined : runQueueWaitMs();
    const { agents, fanOutMs } = await server!.deliverConfig();
    const elapsedMs = ms(Number(process.hrtime.bigint() - start));
    const used = (await usage()).cpuMicros - cpu;
    const waitedAfter = runQueueWaitMs();
    const waitMs = waitedBefore === undefined || waitedAfter === undefined ? undefined : waitedAfter - waitedBefore;
    await profiler.stop(`${kind}-delivery-${p.round}`);
    return { agents, ms: elapsedMs, fanOutMs, cpuMs: used / 1000, waitMs, ...monitor?.stop() };
  },
  usage: () => usage(),
  // A measured window of load: messages processed, CPU, event-loop delay, and RSS (at its start,
  // its end, and the highest of samples every 250 ms; no garbage collection forced).
  windowStart: async () => {
    const messages = await server!.messagesProcessed();
    await profiler.start();
    const u = await usage();
    const rss = { start: u.rssBytes, peak: u.rssBytes };
    const sampler = setInterval(() => {
      void usage().then((s) => (rss.peak = Math.max(rss.peak, s.rssBytes)), () => undefined);
    }, 250);
    window = { monitor: serverLoopMonitor(), startedAt: process.hrtime.bigint(), messages, cpuMicros: u.cpuMicros, rss, sampler };
    return {};
  },
  windowStop: async () => {
    const w = window!;
    clearInterval(w.sampler);
    const seconds = Number(process.hrtime.bigint() - w.startedAt) / 1e9;
    const messages = (await server!.messagesProcessed()) - w.messages;
    const u = await usage();
    await profiler.stop(`${kind}-status-${Math.round(messages / seconds)}`);
    return {
      messages,
      seconds,
      perSecond: messages / seconds,
      cpuPercent: ((u.cpuMicros - w.cpuMicros) / 1e6 / seconds) * 100,
      rssStart: w.rss.start,
      rssEnd: u.rssBytes,
      rssPeak: Math.max(w.rss.peak, u.rssBytes),
      ...w.monitor?.stop(),
    };
  },
  stop: async () => {
    await server?.stop();
    return {};
  },
});
