/**
 * Hosts one server under test in its own process and measures it from the inside: RSS, and the
 * event loop's delay with `perf_hooks.monitorEventLoopDelay`, reported to the runner over IPC.
 * Usage (by run.ts): server-process.ts baseline|gateway
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { createRoundProfiler } from './delivery-profiler';
import { serve } from './ipc';
import { createBareWsServer } from './servers/bare-ws';
import { createRoostGateway } from './servers/roost-gateway';
import { ServerNotWiredError, type ServerKind, type ServerUnderTest } from './server-under-test';

const kind = process.argv[2] as ServerKind;

function create(k: ServerKind): ServerUnderTest {
  switch (k) {
    case 'baseline':
      return createBareWsServer();
    case 'gateway':
      return createRoostGateway();
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

let server: ServerUnderTest | undefined;
const profiler = createRoundProfiler();
let window: { monitor: ReturnType<typeof loopMonitor>; startedAt: bigint; messages: number; cpu: NodeJS.CpuUsage } | undefined;

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
    gc?.();
    await new Promise((r) => setTimeout(r, 200));
    gc?.();
    await new Promise((r) => setTimeout(r, 200));
    return { rss: process.memoryUsage.rss(), agents: server!.connectedAgents(), retained: server!.retainedBytes?.() };
  },
  waitAgents: async (p: { count: number; timeoutMs: number }) => {
    const deadline = Date.now() + p.timeoutMs;
    while (server!.connectedAgents() < p.count) {
      if (Date.now() > deadline) throw new Error(`only ${server!.connectedAgents()} of ${p.count} agents connected`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { agents: server!.connectedAgents() };
  },
  deliver: async (p: { bytes: number; round: number }) => {
    const body = Buffer.alloc(p.bytes, 'x'.charCodeAt(0));
    // A new config version each round: agents that applied the last one must take this one.
    body.write(`receivers: {otlp: {}}\n# round ${p.round}, padding follows\n`);
    await server!.prepareConfig(body);
    const monitor = loopMonitor();
    await new Promise((r) => setTimeout(r, 50)); // the monitor's timer must be running before the push
    await profiler.start();
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const waitedBefore = runQueueWaitMs();
    const { agents, fanOutMs } = await server!.deliverConfig();
    const elapsedMs = ms(Number(process.hrtime.bigint() - start));
    const used = process.cpuUsage(cpu);
    const waitedAfter = runQueueWaitMs();
    const waitMs = waitedBefore === undefined || waitedAfter === undefined ? undefined : waitedAfter - waitedBefore;
    await profiler.stop(`${kind}-delivery-${p.round}`);
    return { agents, ms: elapsedMs, fanOutMs, cpuMs: (used.user + used.system) / 1000, waitMs, ...monitor.stop() };
  },
  windowStart: async () => {
    const messages = await server!.messagesProcessed();
    await profiler.start();
    window = { monitor: loopMonitor(), startedAt: process.hrtime.bigint(), messages, cpu: process.cpuUsage() };
    return {};
  },
  windowStop: async () => {
    const w = window!;
    const seconds = Number(process.hrtime.bigint() - w.startedAt) / 1e9;
    const messages = (await server!.messagesProcessed()) - w.messages;
    const cpu = process.cpuUsage(w.cpu);
    await profiler.stop(`${kind}-status-${Math.round(messages / seconds)}`);
    return { messages, seconds, perSecond: messages / seconds, cpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100, ...w.monitor.stop() };
  },
  stop: async () => {
    await server?.stop();
    return {};
  },
});
