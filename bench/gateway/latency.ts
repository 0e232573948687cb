/**
 * What agents feel, for a bare `ws` server (answers every message with a fixed reply) and the
 * Roost gateway in one run, each in its own process with its own simulated fleet:
 *
 * - reply latency at the agent: open-loop health reports at each offered rate over N agents;
 *   each agent notes when a report leaves and when its reply arrives (p50 / p99 / max);
 * - a connect storm: N agents connecting at once to a fresh server, the time until every one
 *   has its first reply, and the kernel's listen-queue overflows (TcpExt ListenOverflows).
 *
 *   npm run bench:gateway-latency                5,000 agents at 5k and 10k reports/s, storm of 5,000
 *   npm run bench:gateway-latency -- --quick     500 agents at 2k/s for 2 s, storm of 500
 *   options: --agents=5000 --rates=5000,10000 --seconds=5 --warm-up=3 --storm=5000 --servers=baseline,gateway
 *            --scenarios=latency,storm
 *            --platform=memory|nats   the gateway's platform (as bench:gateway)
 *
 * A rate's row is printed as invalid, not as a figure, when the load client used more than 60%
 * of a core or sent less than 95% of the offered rate: it would measure the client. Every row
 * carries the machine's load average. Loopback only; bounded (--deadline-minutes, 15).
 */
import { cpus, loadavg } from 'node:os';
import { CLIENT_CPU_LIMIT_PERCENT, measureAgentLatency, measureConnectStorm, type LatencyStep, type StormResult } from './latency-scenarios';
import { renderTable } from './report';
import type { Outcome } from './scenarios';
import { SERVER_KINDS, type ServerKind } from './server-under-test';

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

const quick = process.argv.includes('--quick');
const agents = Number(option('agents', quick ? '500' : '5000'));
const rates = option('rates', quick ? '2000' : '5000,10000').split(',').map(Number);
const seconds = Number(option('seconds', quick ? '2' : '5'));
const warmUp = Number(option('warm-up', quick ? '1' : '3'));
const storm = Number(option('storm', quick ? '500' : '5000'));
const servers = option('servers', SERVER_KINDS.join(',')).split(',') as ServerKind[];
const scenarios = option('scenarios', 'latency,storm').split(',');
const deadlineMinutes = Number(option('deadline-minutes', '15'));
const platform = option('platform', 'memory');
if (platform !== 'memory' && platform !== 'nats') throw new Error(`--platform must be memory or nats, not ${platform}`);
for (const [name, value] of [['agents', agents], ['seconds', seconds], ['warm-up', warmUp], ['storm', storm], ...rates.map((r) => ['rates', r] as const)] as const) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, not ${String(value)}`);
}
process.env['BENCH_GATEWAY_PLATFORM'] = platform;

interface Figures {
  latency: Outcome<LatencyStep[]>;
  storm: Outcome<StormResult>;
}

const notSelected = { notWired: 'not selected (--scenarios)' };

const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
const ok = <T>(o: Outcome<T> | undefined): T | undefined => (o && 'ok' in o ? o.ok : undefined);
const fixed = (v: number | undefined, digits: number) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

async function runServer(kind: ServerKind): Promise<Figures | undefined> {
  if (!servers.includes(kind)) return undefined;
  console.log(`[${kind}] latency: ${agents} agents, ${rates.join(', ')} reports/s, ${seconds} s each after ${warmUp} s (${load()})`);
  const latency = scenarios.includes('latency') ? await measureAgentLatency(kind, agents, rates, seconds, warmUp) : notSelected;
  for (const s of ok(latency) ?? []) {
    console.log(`[${kind}]   ${s.offeredPerSecond}/s: p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms, client CPU ${s.clientCpuPercent.toFixed(0)}%${s.invalid ? ` — invalid: ${s.invalid}` : ''} (load ${s.loadAverage.toFixed(2)})`);
  }
  console.log(`[${kind}] connect storm: ${storm} agents at once (${load()})`);
  const stormResult = scenarios.includes('storm') ? await measureConnectStorm(kind, storm) : notSelected;
  const st = ok(stormResult);
  if (st) console.log(`[${kind}]   all first replies after ${st.allFirstRepliesMs.toFixed(0)} ms, ${st.failed} failed, listen overflows ${st.listenOverflows ?? '—'} (load ${st.loadAverage.toFixed(2)})`);
  return { latency, storm: stormResult };
}

type Cell = { value?: number; text: string };

interface Row {
  label: string;
  cell: (f: Figures | undefined) => Cell;
  /** Whether gateway/baseline of this row is a ratio worth printing. */
  ratio?: boolean;
}

const num = (value: number | undefined, digits: number): Cell => ({ value, text: fixed(value, digits) });

/** A latency figure of a step, or "invalid" when the step measured the load client. */
function stepFigure(i: number, pick: (s: LatencyStep) => number, digits: number) {
  return (f: Figures | undefined): Cell => {
    const step = ok(f?.latency)?.[i];
    if (!step) return { text: '—' };
    return step.invalid ? { text: 'invalid' } : num(pick(step), digits);
  };
}

function rows(): Row[] {
  const stepRow = (i: number, pick: (s: LatencyStep) => number, digits: number) => (f: Figures | undefined) => {
    const step = ok(f?.latency)?.[i];
    return step ? num(pick(step), digits) : { text: '—' };
  };
  const stormRow = (pick: (s: StormResult) => number | undefined, digits: number) => (f: Figures | undefined) => num(ok(f?.storm) && pick(ok(f?.storm)!), digits);
  return [
    ...rates.flatMap((rate, i): Row[] => [
      { label: `${rate} reports/s over ${agents} agents: reply p50 at the agent (ms)`, cell: stepFigure(i, (s) => s.p50Ms, 1), ratio: true },
      { label: '  reply p99 at the agent (ms)', cell: stepFigure(i, (s) => s.p99Ms, 1), ratio: true },
      { label: '  reply max at the agent (ms)', cell: stepFigure(i, (s) => s.maxMs, 1), ratio: true },
      { label: '  replies timed / unanswered after 5 s', cell: (f) => {
        const s = ok(f?.latency)?.[i];
        return { text: s ? `${s.samples} / ${s.unanswered}` : '—' };
      } },
      { label: '  sent by the load client /s', cell: stepRow(i, (s) => s.sentPerSecond, 0) },
      { label: `  load client CPU (% of a core, valid ≤ ${CLIENT_CPU_LIMIT_PERCENT})`, cell: stepRow(i, (s) => s.clientCpuPercent, 0) },
      { label: '  server processed /s', cell: stepRow(i, (s) => s.processedPerSecond, 0), ratio: true },
      { label: '  server CPU (% of one core)', cell: stepRow(i, (s) => s.serverCpuPercent, 0), ratio: true },
      { label: '  server event-loop delay p99 / max (ms)', cell: (f) => {
        const s = ok(f?.latency)?.[i];
        return { text: s ? `${s.serverLoopP99Ms.toFixed(1)} / ${s.serverLoopMaxMs.toFixed(1)}` : '—' };
      } },
      { label: '  load average (1 min) at the end', cell: stepRow(i, (s) => s.loadAverage, 2) },
    ]),
    { label: `connect storm of ${storm}: all first replies (ms)`, cell: stormRow((s) => s.allFirstRepliesMs, 0), ratio: true },
    { label: '  agents failed to connect', cell: stormRow((s) => s.failed, 0) },
    { label: '  listen-queue overflows (kernel, whole machine)', cell: stormRow((s) => s.listenOverflows, 0) },
    { label: '  load client CPU (ms)', cell: stormRow((s) => s.clientCpuMs, 0) },
    { label: '  load average (1 min) at the end', cell: stormRow((s) => s.loadAverage, 2) },
  ];
}

function format(baseline: Figures | undefined, gateway: Figures | undefined): { text: string; markdown: string } {
  const table = rows().map((r) => {
    const b = r.cell(baseline);
    const g = r.cell(gateway);
    const ratio = r.ratio && b.value !== undefined && g.value !== undefined && b.value !== 0 ? (g.value / b.value).toFixed(2) : '—';
    return [r.label, b.text, g.text, ratio];
  });
  const named: [string, Figures | undefined][] = [['baseline', baseline], ['gateway', gateway]];
  const notes = named.flatMap(([name, f]) => [
    ...(ok(f?.latency) ?? []).flatMap((s) => (s.invalid ? [`${name} at ${s.offeredPerSecond}/s invalid: ${s.invalid}`] : [])),
    ...(ok(f?.storm)?.firstError ? [`${name} storm, first failure: ${ok(f?.storm)?.firstError}`] : []),
    ...[f?.latency, f?.storm].flatMap((o) => (o && 'notWired' in o ? [`${name}: no figures — ${o.notWired}`] : [])),
  ]);
  return renderTable(['measure', 'bare ws (baseline)', 'Roost gateway', 'gateway/baseline'], table, notes);
}

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    console.error(`benchmark exceeded ${deadlineMinutes} minutes; stopping`);
    process.exit(1); // children exit on IPC disconnect
  }, deadlineMinutes * 60_000);
  deadline.unref();
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, gateway platform ${platform}, ${load()}`);
  const baseline = await runServer('baseline');
  const gateway = await runServer('gateway');
  console.log(`finished, ${load()}`);
  const { text, markdown } = format(baseline, gateway);
  console.log(`\n${text}\n\nMarkdown:\n\n${markdown}\n`);
  console.log(JSON.stringify({ agents, rates, seconds, storm, platform, baseline, gateway }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
