/**
 * One Roost service of the fleet-scale benchmark in a process of its own, on the benchmark's
 * nats-server, as in production: a gateway (its own port on 127.0.0.1) or the orchestrator.
 * Reports its CPU time (user + system, all threads), RSS and longest event-loop block over IPC;
 * its warnings and errors go to stderr (a lease lost under load says so), the orchestrator's info too.
 * Usage (by run.ts): service-process.ts gateway|orchestrator <nats url> <id>
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger, LogFields } from '@roost/ports';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { connectNatsServicePlatform, type ServicePlatform } from '@roost/platform-nats';
import { serve } from '../gateway/ipc';

const [kind, natsUrl, id] = process.argv.slice(2) as ['gateway' | 'orchestrator', string, string];

let platform: ServicePlatform | undefined;
let gateway: RunningGateway | undefined;
let orchestrator: RunningOrchestrator | undefined;

const gc = (globalThis as { gc?: () => void }).gc;

const print = (level: string) => (fields: LogFields, message: string) => console.error(`[${id}] ${level} ${message} ${JSON.stringify(fields)}`);
/** The orchestrator's info lines too: leadership and takeovers (with how long they took) are few and telling. */
const logger: Logger = { debug: () => undefined, info: kind === 'orchestrator' ? print('info') : () => undefined, warn: print('warn'), error: print('error') };

/** Event-loop delay since the last usage sample (20 ms resolution: only blocks matter here). */
const loop = monitorEventLoopDelay({ resolution: 20 });
loop.enable();

async function start(): Promise<{ url?: string }> {
  platform = await connectNatsServicePlatform({ url: natsUrl, name: id });
  if (kind === 'gateway') {
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: id, logger }, platform);
    return { url: gateway.url };
  }
  orchestrator = await startOrchestrator({ instanceId: id, leaseRetryMs: 100, logger }, platform);
  const deadline = Date.now() + 30_000;
  while (!orchestrator.isLeader()) {
    if (Date.now() > deadline) throw new Error('the orchestrator did not lead within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {};
}

serve({
  start,
  /** CPU seconds so far and RSS; `settle` collects garbage first (for a per-agent memory figure). */
  usage: async (p: { settle?: boolean }) => {
    // Read before a forced GC, and started again after it: it is no block of the service's.
    const loopMaxMs = loop.max / 1e6;
    if (p.settle) {
      for (let i = 0; i < 2; i++) {
        gc?.();
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    loop.reset();
    const cpu = process.cpuUsage();
    return {
      loopMaxMs,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      rssBytes: process.memoryUsage.rss(),
      heapUsedBytes: process.memoryUsage().heapUsed,
      agents: gateway?.stats().agents.websocket,
      fleetSize: orchestrator?.fleetSize(),
    };
  },
  stop: async () => {
    await orchestrator?.stop();
    await gateway?.stop();
    await platform?.close();
    return {};
  },
});
