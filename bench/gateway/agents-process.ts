/**
 * The simulated fleet: a child process of the benchmark runner holding up to ~19k agents'
 * WebSocket connections, driven over IPC. Kept apart from the server under test so the server's
 * RSS and event loop measure the server alone.
 */
import { serve } from './ipc';
import { SimulatedAgent, type AgentHooks } from './simulated-agent';

const agents: SimulatedAgent[] = [];
const counters = { replies: 0, configsApplied: 0, reportsSent: 0, firstApplyAt: 0, lastApplyAt: 0 };

/**
 * Reply latency as the agents see it: when each message left, per agent in order (a server
 * answers an agent's messages in order), and from the reply's arrival the time it took, in µs.
 */
const sentAt = new Map<SimulatedAgent, number[]>();
let latencyUs: number[] = [];
let latencyWindow: { startedAt: number; endedAt: number; cpu: NodeJS.CpuUsage; replies: number; reportsSent: number } | undefined;

const hooks: AgentHooks = {
  onSent(agent) {
    let queue = sentAt.get(agent);
    if (!queue) sentAt.set(agent, (queue = []));
    queue.push(performance.now());
  },
  onReply(agent) {
    counters.replies++;
    const sent = sentAt.get(agent)?.shift();
    if (sent !== undefined && latencyWindow && sent >= latencyWindow.startedAt && sent < latencyWindow.endedAt) {
      latencyUs.push(Math.max(1, Math.round((performance.now() - sent) * 1000)));
    }
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

/**
 * A tick sends at most this much of the rate's reports that fell due: a client that cannot keep
 * up skips the rest (its row then reads as sending less than offered: invalid) instead of
 * catching up in ever longer bursts that starve its own event loop (and the runner's requests).
 */
const MAX_CATCH_UP_MS = 100;

function sendDueReports() {
  if (agents.length === 0) return;
  const due = Math.floor(((performance.now() - pacer.since) / 1000) * pacer.rate) - pacer.sent;
  const sending = Math.min(due, Math.ceil((pacer.rate * MAX_CATCH_UP_MS) / 1000));
  for (let i = 0; i < sending; i++) {
    agents[pacer.cursor++ % agents.length]!.sendHealthReport();
  }
  // Skipped reports count as sent for pacing only, never in reportsSent.
  pacer.sent += Math.max(due, 0);
  counters.reportsSent += Math.max(sending, 0);
}

// Source addresses rotate over 127.0.0.1-4 so no single address pair runs out of ports.
const LOCAL_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];

async function connect(p: { url: string; count: number; concurrency?: number; timeoutMs?: number }) {
  const start = performance.now();
  const cpu = process.cpuUsage();
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
  const used = process.cpuUsage(cpu);
  return { connected: agents.length, failed, firstError: firstError[0], ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

/** Starts a window of agent-observed latency: replies to messages sent before it are not counted. */
function startLatencyWindow() {
  latencyUs = [];
  latencyWindow = { startedAt: performance.now(), endedAt: Infinity, cpu: process.cpuUsage(), replies: counters.replies, reportsSent: counters.reportsSent };
  return {};
}

/** Messages sent before `time` that have no reply yet. */
function unansweredBefore(time: number): number {
  let count = 0;
  for (const queue of sentAt.values()) for (const sent of queue) if (sent < time) count++;
  return count;
}

/**
 * Ends the window: what was sent and this process's own CPU (as a share of one core) up to now;
 * then waits (up to `graceMs`) for the replies to what the window sent, and gives each one's
 * latency in µs (the runner merges the fleets' and takes percentiles). Replies still missing
 * after the wait are counted, not timed.
 */
async function stopLatencyWindow(p: { graceMs?: number }) {
  const w = latencyWindow;
  if (!w) throw new Error('latencyStop without latencyStart');
  w.endedAt = performance.now();
  const seconds = (w.endedAt - w.startedAt) / 1000;
  const cpu = process.cpuUsage(w.cpu);
  const reportsSent = counters.reportsSent - w.reportsSent;
  const replies = counters.replies - w.replies;
  const giveUpAt = w.endedAt + (p.graceMs ?? 5_000);
  while (unansweredBefore(w.endedAt) > 0 && performance.now() < giveUpAt) await new Promise((r) => setTimeout(r, 20));
  const unanswered = unansweredBefore(w.endedAt);
  latencyWindow = undefined;
  return {
    seconds,
    reportsSent,
    replies,
    unanswered,
    latencyUs,
    clientCpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
  };
}

serve({
  connect,
  resetCounters: () => {
    Object.assign(counters, { replies: 0, configsApplied: 0, reportsSent: 0, firstApplyAt: 0, lastApplyAt: 0 });
    return counters;
  },
  counters: () => ({ ...counters, agents: agents.length }),
  latencyStart: startLatencyWindow,
  latencyStop: stopLatencyWindow,
  /** Messages sent and not answered yet. */
  pending: () => ({ pending: unansweredBefore(Infinity) }),
  statusRate: (p: { perSecond: number }) => {
    setStatusRate(p.perSecond);
    return { ...counters };
  },
  closeAll: async () => {
    await Promise.all(agents.map((a) => a.close()));
    const closed = agents.length;
    agents.length = 0;
    sentAt.clear();
    return { closed };
  },
});
