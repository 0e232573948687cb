/**
 * One load-client process of the fleet-scale benchmark: up to ~19k light agents (raw ws +
 * protobuf, bench/gateway/simulated-agent.ts) of one rollout group, connected to one gateway
 * from loopback source addresses of their own, driven over IPC. It answers every remote config
 * with APPLIED and counts those answers; its own CPU is reported, since on one box the client
 * competes with what it measures.
 */
import { serve } from '../gateway/ipc';
import { SimulatedAgent } from '../gateway/simulated-agent';

const agents: SimulatedAgent[] = [];
const applied = { count: 0, firstAt: 0, lastAt: 0 };
let nextIndex = 0;

const hooks = {
  onReply: () => undefined,
  onConfigApplied: () => {
    const now = Date.now();
    if (applied.count++ === 0) applied.firstAt = now;
    applied.lastAt = now;
  },
};

export interface ConnectRequest {
  url: string;
  count: number;
  environment: string;
  /**
   * Source addresses (127.0.0.x) to bind to, used in turn; empty: none, connect() picks the
   * source port per destination. Binding costs kernel time that grows with the sockets already
   * bound (see run.ts).
   */
  localAddresses: string[];
  concurrency: number;
  timeoutMs: number;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  firstError?: string;
  ms: number;
  /** Per-agent time from opening the socket to the gateway's first answer, ms. */
  p50Ms: number;
  p99Ms: number;
}

/** Connects `count` agents, `concurrency` at a time (a closed loop: a storm bounded by the client). */
async function connect(p: ConnectRequest): Promise<ConnectResult> {
  const start = performance.now();
  const times: number[] = [];
  let started = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (started < p.count) {
      started++;
      const index = nextIndex++;
      const agent = new SimulatedAgent(index, hooks, { environment: p.environment, healthWithApplied: true });
      const begun = performance.now();
      try {
        await agent.connect(p.url, p.localAddresses.length === 0 ? undefined : p.localAddresses[index % p.localAddresses.length], p.timeoutMs);
        agents.push(agent);
        times.push(performance.now() - begun);
      } catch (err) {
        failed++;
        firstError ??= String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: p.concurrency }, worker));
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { connected: agents.length, failed, firstError, ms: performance.now() - start, p50Ms: at(0.5), p99Ms: at(0.99) };
}

serve({
  connect,
  usage: () => {
    const cpu = process.cpuUsage();
    return { cpuSeconds: (cpu.user + cpu.system) / 1e6, rssBytes: process.memoryUsage.rss() };
  },
  applied: () => ({ ...applied, agents: agents.length }),
  closeAll: async () => {
    await Promise.all(agents.map((a) => a.close()));
    const closed = agents.length;
    agents.length = 0;
    return { closed };
  },
});
