/**
 * Fleet-scale benchmark (issue 19's headline): N agents connected to this one machine through
 * several gateway processes, and a 2 KB config rolled out to all of them by a real rollout: a
 * real orchestrator and a nats-server the benchmark starts (free port, temp store), the
 * default plan's phases (2% → 10% → 50% → 100%) with short windows, started through the
 * orchestrator's command API. Prints time to 100% APPLIED (and per phase), gateway RSS per
 * agent, connect time, and each process's CPU (user + system) — the load client's too: on one
 * box it competes for the same cores as what it measures.
 *
 *   npm run bench:fleet-scale                        100,000 agents
 *   npm run bench:fleet-scale -- --quick             2,000 agents, short windows (scripts/bench-quick.sh)
 *   npm run bench:fleet-scale -- --connect-only   connect, measure, no rollout (memory and connect figures at any N)
 *   options: --agents=100000 --gateways=<auto: one per 17,000 agents, at least 2>
 *            --window-ms=2000 --config-bytes=2048 --concurrency=100 (connects in flight per client process)
 *            --deadline-minutes=45
 *
 * Each gateway and each load-client process holds at most ~19k sockets (the open-files limit
 * is raised to the hard limit in every child; 20,000 here). Each client process connects to its
 * own gateway's port, so each (source, destination) pair needs at most ~17k of the ~28k
 * ephemeral ports, which connect() picks per destination. Binding to source addresses of their
 * own (--source-addresses=2: 127.0.0.10-11 for the first client, …) also avoids running out,
 * but bind() searches the port range against every socket bound on any address: past ~85k
 * sockets on the machine the clients spent their time in the kernel (inet_csk_get_port) and
 * connects slowed from ~1,800/s to ~200/s, so it is off by default.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { connectNatsServicePlatform } from '@roost/platform-nats';
import { startNatsServer } from '@roost/testing';
import { request } from '../gateway/ipc';
import { endChild, spawnChild } from '../gateway/spawn-child';
import type { ConnectRequest, ConnectResult } from './fleet-process';
import { findPid, listenOverflows, procUsage } from './proc-usage';
import { formatReport, type ProcessFigures } from './report';
import { collectorConfigOfSize, RolloutDriver, rolloutTiming } from './rollout-driver';

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

const quick = process.argv.includes('--quick');
/**
 * Extra Node flags for the orchestrator alone (BENCH_NODE_FLAGS reaches every child), e.g.
 * BENCH_ORCHESTRATOR_NODE_FLAGS="--cpu-prof --cpu-prof-dir=tmp/prof" for a profile of what holds its event loop.
 */
const ORCHESTRATOR_NODE_FLAGS = process.env['BENCH_ORCHESTRATOR_NODE_FLAGS']?.split(' ').filter(Boolean);
const connectOnly = process.argv.includes('--connect-only');
const agentCount = Number(option('agents', quick ? '2000' : '100000'));
const AGENTS_PER_GATEWAY = 17_000;
const gatewayCount = Number(option('gateways', String(Math.max(2, Math.ceil(agentCount / AGENTS_PER_GATEWAY)))));
const windowMs = Number(option('window-ms', quick ? '300' : '2000'));
const configBytes = Number(option('config-bytes', '2048'));
const concurrency = Number(option('concurrency', '100'));
const sourceAddresses = Number(option('source-addresses', '0'));
const deadlineMinutes = Number(option('deadline-minutes', quick ? '2' : '45'));
const GROUP = 'fleet-scale';
/** Services before the load clients where the scheduler allows (root): as bench/gateway does. */
const SERVICE_NICENESS = -10;
const CLIENT_NICENESS = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

interface Usage {
  cpuSeconds: number;
  rssBytes: number;
  heapUsedBytes?: number;
  loopMaxMs?: number;
  agents?: number;
  fleetSize?: number;
}

/** The default plan's phases (canary 2%, early adopters 10%, majority 50%, full), windows shortened. */
const plan = [
  { name: 'canary', percent: 2, windowMs },
  { name: 'early-adopters', percent: 10, windowMs },
  { name: 'majority', percent: 50, windowMs },
  { name: 'full', percent: 100, windowMs: 0 },
];

async function main(): Promise<void> {
  const running: { stopNats?: () => Promise<void> } = {};
  const deadline = setTimeout(() => {
    console.error(`benchmark exceeded ${deadlineMinutes} minutes; stopping`);
    setTimeout(() => process.exit(1), 5_000).unref();
    // Children exit on IPC disconnect; the nats-server is stopped here.
    void (running.stopNats?.() ?? Promise.resolve()).finally(() => process.exit(1));
  }, deadlineMinutes * 60_000);
  deadline.unref();

  const limits = execFileSync('sh', ['-c', 'echo "$(ulimit -n) soft / $(ulimit -Hn) hard"']).toString().trim();
  const loadBefore = load();
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, open files ${limits}, load average ${loadBefore}`);
  console.log(`${agentCount} agents over ${gatewayCount} gateway processes and ${gatewayCount} load-client processes; ${configBytes} B config; phase windows ${windowMs} ms`);

  const nats = await startNatsServer();
  running.stopNats = () => nats.stop();
  const natsPid = findPid(nats.dataDir);
  // The nats-server is part of the system under test: it runs at the services' priority (where
  // allowed), or the services at -10 starve it (seen at 100k: KV writes and the lease timed out).
  if (natsPid !== undefined) spawnSync('renice', ['-n', String(SERVICE_NICENESS), '-p', String(natsPid)], { stdio: 'ignore' });
  const children: ChildProcess[] = [];
  const fleetChildren = new Set<ChildProcess>();
  const spawn = (entry: string, args: string[], niceness: number): ChildProcess => {
    const flags = args[0] === 'orchestrator' ? ORCHESTRATOR_NODE_FLAGS : undefined;
    const child = spawnChild(`../fleet-scale/${entry}`, args, niceness, ...(flags === undefined ? [] : [flags]));
    children.push(child);
    return child;
  };
  const client = await connectNatsServicePlatform({ url: nats.url, name: 'bench-fleet-scale' });
  try {
    const orchestrator = spawn('service-process.ts', ['orchestrator', nats.url, 'orchestrator-bench'], SERVICE_NICENESS);
    const gateways = Array.from({ length: gatewayCount }, (_, i) => spawn('service-process.ts', ['gateway', nats.url, `gw-${i + 1}`], SERVICE_NICENESS));
    const started = await Promise.all([orchestrator, ...gateways].map((child) => request<{ url?: string }>(child, 'start', {}, 60_000)));
    const urls = started.slice(1).map((s) => s.url!);
    const fleets = gateways.map(() => spawn('fleet-process.ts', [], CLIENT_NICENESS));
    for (const fleet of fleets) fleetChildren.add(fleet);

    const driver = new RolloutDriver(client);
    const baseline = await driver.createConfig(collectorConfigOfSize('basic', 600), 'fleet-scale-baseline');
    const next = await driver.createConfig(collectorConfigOfSize('detailed', configBytes), 'fleet-scale');

    const usage = (child: ChildProcess, settle = false) => request<Usage>(child, 'usage', { settle }, 60_000);
    const usageOfAll = async (settle: boolean) => ({
      orchestrator: await usage(orchestrator, settle),
      gateways: await Promise.all(gateways.map((g) => usage(g, settle))),
      fleets: await Promise.all(fleets.map((f) => usage(f))),
      nats: procUsage(natsPid),
    });
    const idle = await usageOfAll(true);

    // Connect: each client process to its gateway, all at once.
    console.log(`connecting ${agentCount} agents (${concurrency} in flight per client process)`);
    const overflowsBefore = listenOverflows();
    const connectStarted = Date.now();
    const shares = gateways.map((_, i) => Math.floor(agentCount / gatewayCount) + (i < agentCount % gatewayCount ? 1 : 0));
    const progress = setInterval(() => {
      void Promise.all(gateways.map((g) => usage(g))).then(
        (u) => console.log(`  ${((Date.now() - connectStarted) / 1000).toFixed(0)} s: ${u.reduce((sum, g) => sum + (g.agents ?? 0), 0)} agents connected, load average ${load()}`),
        () => undefined,
      );
    }, 10_000);
    const connects = await Promise.all(
      fleets.map((fleet, i) =>
        request<ConnectResult>(
          fleet,
          'connect',
          { url: urls[i]!, count: shares[i]!, environment: GROUP, localAddresses: Array.from({ length: sourceAddresses }, (_, k) => `127.0.0.${10 + sourceAddresses * i + k}`), concurrency, timeoutMs: 60_000 } satisfies ConnectRequest,
          deadlineMinutes * 60_000,
        ),
      ),
    );
    clearInterval(progress);
    const connectedAllMs = Date.now() - connectStarted;
    const overflowsAfter = listenOverflows();
    const overflows = overflowsBefore === undefined || overflowsAfter === undefined ? undefined : overflowsAfter - overflowsBefore;
    const connected = connects.reduce((sum, c) => sum + c.connected, 0);
    const failed = connects.reduce((sum, c) => sum + c.failed, 0);
    if (failed > 0) console.log(`${failed} agents failed to connect (first: ${connects.find((c) => c.firstError)?.firstError})`);
    console.log(`${connected} agents connected in ${(connectedAllMs / 1000).toFixed(1)} s; waiting for the orchestrator's fleet view`);
    let inView = 0;
    while ((inView = await driver.connectedInGroup(GROUP)) < connected) {
      if (Date.now() - connectStarted > deadlineMinutes * 60_000) throw new Error(`only ${inView} of ${connected} agents in the fleet view`);
      await sleep(500);
    }
    const fleetViewMs = Date.now() - connectStarted;
    const afterConnect = await usageOfAll(true);

    /** The rollout, followed to the end; the figures it gives. */
    async function rollOut() {
      console.log(`starting the rollout of ${configBytes} B to ${connected} agents; load average ${load()}`);
      const rolloutStarted = Date.now();
      const summary = await driver.start({
        rolloutId: `fleet-scale-${rolloutStarted}`,
        target: { kind: 'group', group: GROUP },
        configHash: next,
        baselineConfigHash: baseline,
        plan,
        timing: { applyTimeoutMs: 20 * 60_000, disconnectGraceMs: 60_000, healthGraceMs: windowMs },
      });
      let status = summary;
      let lastPrint = 0;
      while (status.status === 'in_progress' || status.status === 'pending') {
        await sleep(quick ? 100 : 500);
        status = await driver.status(summary.rolloutId);
        if (Date.now() - lastPrint > 10_000) {
          lastPrint = Date.now();
          const sent = await Promise.all(fleets.map((f) => request<{ count: number }>(f, 'applied')));
          console.log(
            `  ${((Date.now() - rolloutStarted) / 1000).toFixed(0)} s: phase ${status.phase?.name ?? '—'}, ${status.applied} applied, ${status.pending} pending, ${sum(sent.map((a) => a.count))} APPLIED sent by agents, load average ${load()}`,
          );
        }
      }
      const rolloutEndedMs = Date.now() - rolloutStarted;
      if (status.status !== 'completed') throw new Error(`rollout ended ${status.status}: ${JSON.stringify(status)}`);
      const afterRollout = await usageOfAll(true);
      const applied = await Promise.all(fleets.map((f) => request<{ count: number; firstAt: number; lastAt: number }>(f, 'applied')));
      const timing = rolloutTiming(await driver.events(summary.rolloutId), rolloutStarted);

      return {
        afterRollout,
        figures: {
          members: status.members,
          appliedByOrchestrator: status.applied,
          appliedByAgents: applied.reduce((total, a) => total + a.count, 0),
          lastAgentAppliedS: (Math.max(...applied.map((a) => a.lastAt)) - rolloutStarted) / 1000,
          endedS: rolloutEndedMs / 1000,
          refusals: driver.refusals,
          timing,
        },
      };
    }
    const rolloutFigures = connectOnly ? undefined : await rollOut();
    const loadAfter = load();

    const after = rolloutFigures?.afterRollout;
    const processes: ProcessFigures[] = [
      ...gateways.map((_, i) => ({
        name: `gateway ${i + 1}`,
        agents: afterConnect.gateways[i]!.agents ?? 0,
        idle: idle.gateways[i]!,
        afterConnect: afterConnect.gateways[i]!,
        afterRollout: after?.gateways[i],
      })),
      { name: 'orchestrator', idle: idle.orchestrator, afterConnect: afterConnect.orchestrator, afterRollout: after?.orchestrator },
      ...(idle.nats && afterConnect.nats ? [{ name: 'nats-server', idle: idle.nats, afterConnect: afterConnect.nats, afterRollout: after?.nats }] : []),
      ...fleets.map((_, i) => ({ name: `load client ${i + 1}`, client: true, idle: idle.fleets[i]!, afterConnect: afterConnect.fleets[i]!, afterRollout: after?.fleets[i] })),
    ];
    const report = formatReport({
      agents: connected,
      gateways: gatewayCount,
      configBytes,
      windowMs,
      connect: { allMs: connectedAllMs, fleetViewMs, p50Ms: Math.max(...connects.map((c) => c.p50Ms)), p99Ms: Math.max(...connects.map((c) => c.p99Ms)), failed, listenOverflows: overflows },
      rollout: rolloutFigures?.figures,
      processes,
      load: { before: loadBefore, after: loadAfter },
    });
    console.log(`\n${report.text}\n\nMarkdown:\n\n${report.markdown}\n`);
    console.log(`finished, load average ${loadAfter}`);
  } finally {
    // Agents first (each gateway then says they left), then the services.
    const [clients, services] = [children.filter((c) => fleetChildren.has(c)), children.filter((c) => !fleetChildren.has(c))];
    await Promise.all(clients.map((c) => request(c, 'closeAll', {}, 120_000).catch(() => undefined)));
    await Promise.all(clients.map((c) => endChild(c)));
    await Promise.all(services.map((c) => request(c, 'stop', {}, 30_000).catch(() => undefined)));
    await Promise.all(services.map((c) => endChild(c)));
    await client.close();
    await nats.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
