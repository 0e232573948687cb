/**
 * The simulated fleet: a child process of the benchmark runner holding up to ~19k agents'
 * WebSocket connections, driven over IPC. Kept apart from the server under test so the server's
 * RSS and event loop measure the server alone.
 */
import { serve } from './ipc';
import { SimulatedAgent, type AgentHooks } from './simulated-agent';

const agents: SimulatedAgent[] = [];
const counters = { replies: 0, configsApplied: 0, reportsSent: 0, firstApplyAt: 0, lastApplyAt: 0 };

const hooks: AgentHooks = {
  onReply() {
    counters.replies++;
  },
  onConfigApplied() {
    const now = performance.now();
    if (counters.configsApplied++ === 0) counters.firstApplyAt = now;
    counters.lastApplyAt = now;
  },
};

/**
 * Open-loop status reports at a fixed aggregate rate, round-robin over the fleet: agents report
 * when their status changes, not when the server is ready. Paced from elapsed time, so a late
 * timer sends the reports that fell due instead of lowering the rate.
 */
const pacer = { rate: 0, since: 0, sent: 0, cursor: 0, timer: undefined as NodeJS.Timeout | undefined };

function setStatusRate(perSecond: number) {
  Object.assign(pacer, { rate: perSecond, since: performance.now(), sent: 0 });
  if (perSecond > 0 && !pacer.timer) pacer.timer = setInterval(sendDueReports, 5);
  if (perSecond === 0 && pacer.timer) {
    clearInterval(pacer.timer);
    pacer.timer = undefined;
  }
}

function sendDueReports() {
  if (agents.length === 0) return;
  const due = Math.floor(((performance.now() - pacer.since) / 1000) * pacer.rate) - pacer.sent;
  for (let i = 0; i < due; i++) {
    agents[pacer.cursor++ % agents.length]!.sendHealthReport();
  }
  pacer.sent += Math.max(due, 0);
  counters.reportsSent += Math.max(due, 0);
}

// Source addresses rotate over 127.0.0.1-4 so no single address pair runs out of ports.
const LOCAL_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];

async function connect(p: { url: string; count: number; concurrency?: number; timeoutMs?: number }) {
  const start = performance.now();
  const concurrency = p.concurrency ?? 200;
  let next = 0;
  let failed = 0;
  const firstError: string[] = [];
  const worker = async () => {
    while (next < p.count) {
      next++;
      const agent = new SimulatedAgent(agents.length, hooks);
      agents.push(agent);
      try {
        await agent.connect(p.url, LOCAL_ADDRESSES[agents.length % LOCAL_ADDRESSES.length]!, p.timeoutMs ?? 30_000);
      } catch (err) {
        failed++;
        agents.splice(agents.indexOf(agent), 1);
        if (firstError.length === 0) firstError.push(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { connected: agents.length, failed, firstError: firstError[0], ms: performance.now() - start };
}

serve({
  connect,
  resetCounters: () => {
    Object.assign(counters, { replies: 0, configsApplied: 0, reportsSent: 0, firstApplyAt: 0, lastApplyAt: 0 });
    return counters;
  },
  counters: () => ({ ...counters, agents: agents.length }),
  statusRate: (p: { perSecond: number }) => {
    setStatusRate(p.perSecond);
    return { ...counters };
  },
  closeAll: async () => {
    await Promise.all(agents.map((a) => a.close()));
    const closed = agents.length;
    agents.length = 0;
    return { closed };
  },
});
