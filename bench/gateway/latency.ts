/**
 * What agents feel, for the Roost gateway, a bare `ws` server (answers every message with a
 * fixed reply), a minimal OpAMP server on opamp-go's `server` package (Go; where Go is found) and
 * two gateway processes on one host, in one run, each in processes of its own with its own
 * simulated fleet processes:
 *
 * - reply latency at the agent: open-loop health reports at each offered rate over N agents;
 *   each agent notes when a report leaves and when its reply arrives (p50 / p99);
 * - capacity: a ramp of offered rates past the last one until the server stops keeping up (or
 *   the load client cannot offer more); the most processed per second in any step;
 * - overload: 2× the gateway's capacity offered to every server: processed per second, as a share
 *   of its own capacity, reply p99 at the agent, and RSS growth;
 * - a connect storm: N agents connecting at once to a fresh server, the time until every one
 *   has its first reply, and the kernel's listen-queue overflows (TcpExt ListenOverflows).
 *
 *   npm run bench:gateway-latency                5,000 agents at 5k and 10k reports/s, ramp, overload, storm of 5,000
 *   npm run bench:gateway-latency -- --quick     500 agents at 2k/s for 2 s, overload at 2× that, storm of 500;
 *                                                no ramp, no 2-process column, the opamp-go peer only if built in time
 *   options: --agents=5000 --rates=5000,10000 --seconds=5 --warm-up=3 --storm=5000 --fleets=2
 *            --servers=gateway,baseline,opamp-go,gateway-x2 --scenarios=load,storm
 *            --ramp-steps=6 --overload=<reports/s, 0 for none; default 2× the gateway's capacity>
 *            --platform=memory|nats   the gateway's platform (as bench:gateway)
 *
 * A rate's row is printed as invalid, not as a figure, when a load client used more than 60% of
 * a core or the clients sent less than 95% of the offered rate: it would measure the client.
 * Every row carries the machine's load average. Loopback only; bounded (--deadline-minutes, 20).
 */
import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { COLUMN_TITLES, formatLatencyTable, type ColumnFigures, type ColumnName } from './latency-report';
import { measureColumn, type LoadPlan } from './latency-scenarios';
import { preparePeer } from './servers/opamp-go';
import type { ServerKind } from './server-under-test';

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
const fleets = Number(option('fleets', quick ? '1' : '2'));
const rampSteps = Number(option('ramp-steps', quick ? '0' : '6'));
const overloadOption = option('overload', '');
const columns = option('servers', quick ? 'gateway,baseline,opamp-go' : 'gateway,baseline,opamp-go,gateway-x2').split(',') as ColumnName[];
const scenarios = option('scenarios', 'load,storm').split(',');
const deadlineMinutes = Number(option('deadline-minutes', '20'));
const platform = option('platform', 'memory');
if (platform !== 'memory' && platform !== 'nats') throw new Error(`--platform must be memory or nats, not ${platform}`);
for (const [name, value] of [['agents', agents], ['seconds', seconds], ['warm-up', warmUp], ['storm', storm], ['fleets', fleets], ...rates.map((r) => ['rates', r] as const)] as const) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, not ${String(value)}`);
}
if (!Number.isInteger(rampSteps) || rampSteps < 0) throw new Error(`--ramp-steps must be a whole number ≥ 0, not ${rampSteps}`);
if (overloadOption !== '' && !(Number(overloadOption) >= 0)) throw new Error(`--overload must be a rate ≥ 0, not ${overloadOption}`);
for (const c of columns) if (!(c in COLUMN_TITLES)) throw new Error(`--servers takes ${Object.keys(COLUMN_TITLES).join(', ')}, not ${c}`);
process.env['BENCH_GATEWAY_PLATFORM'] = platform;

/** Each column: the kind of server and how many processes of it. */
const SETUPS: Record<ColumnName, { kind: ServerKind; servers: number }> = {
  gateway: { kind: 'gateway', servers: 1 },
  baseline: { kind: 'baseline', servers: 1 },
  'opamp-go': { kind: 'opamp-go', servers: 1 },
  'gateway-x2': { kind: 'gateway', servers: 2 },
};
/** The gateway goes first: its capacity sets the overload rate offered to every server. */
const ORDER: ColumnName[] = ['gateway', 'baseline', 'opamp-go', 'gateway-x2'];
/** Quick mode waits this long past its turn for the opamp-go peer's build (begun at the start). */
const QUICK_PEER_WAIT_MS = 5_000;
const RAMP = { factor: 1.25, seconds: 2, warmUpSeconds: 1 };

const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;

function plan(overloadPerSecond: number | undefined): LoadPlan {
  const overloadTiming = quick ? { seconds: 1, warmUpSeconds: 0.5, drainSeconds: 2 } : { seconds: 5, warmUpSeconds: 2, drainSeconds: 10 };
  const fixed = overloadOption === '' ? undefined : Number(overloadOption);
  const overload =
    fixed === 0 ? undefined : fixed !== undefined ? { perSecond: fixed, ...overloadTiming } : overloadPerSecond ? { perSecond: overloadPerSecond, ...overloadTiming } : { timesCapacity: 2, ...overloadTiming };
  return { agents, rates, seconds, warmUpSeconds: warmUp, ramp: { ...RAMP, steps: rampSteps }, overload };
}

async function runColumn(name: ColumnName, overloadPerSecond: number | undefined): Promise<ColumnFigures> {
  const { kind, servers } = SETUPS[name];
  const shape = { servers, fleets: Math.max(fleets, servers) };
  const say = (line: string) => console.log(`[${name}] ${line}`);
  say(`${servers} server process(es), ${shape.fleets} fleet process(es); ${agents} agents at ${rates.join(', ')} reports/s (${load()})`);
  const started = performance.now();
  const result = await measureColumn(
    kind,
    shape,
    { plan: scenarios.includes('load') ? plan(overloadPerSecond) : undefined, storm: scenarios.includes('storm') ? storm : undefined },
    (line) => say(`  ${line}`),
  );
  for (const o of [result.load, result.storm]) if ('notWired' in o) say(`  ${o.notWired}`);
  say(`took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** `promise`'s value, or `fallback` when it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  const outcome = await Promise.race([promise, late]);
  clearTimeout(timer);
  return outcome;
}

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    console.error(`benchmark exceeded ${deadlineMinutes} minutes; stopping`);
    process.exit(1); // children exit on IPC disconnect
  }, deadlineMinutes * 60_000);
  deadline.unref();
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  console.log(`commit ${commit}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, gateway platform ${platform}, ${load()}`);
  // Begun now, so that in quick mode a cold build runs while the other servers are measured.
  const peer = columns.includes('opamp-go') ? preparePeer() : undefined;
  const skipped: Partial<Record<ColumnName, string>> = {};
  if (quick && !columns.includes('gateway-x2')) skipped['gateway-x2'] = 'not in quick mode (run without --quick for two gateway processes)';
  const figures: Partial<Record<ColumnName, ColumnFigures>> = {};
  for (const name of ORDER.filter((c) => columns.includes(c))) {
    if (name === 'opamp-go') {
      const why = await (quick
        ? within(peer!, QUICK_PEER_WAIT_MS, `its Go build had not finished in quick mode's time (the Go build cache keeps what it compiled)`)
        : peer!);
      if (why) {
        skipped[name] = why;
        console.log(`[${name}] skipped: ${why}`);
        continue;
      }
    }
    const gatewayCapacity = (() => {
      const g = figures.gateway?.load;
      return g && 'ok' in g ? g.ok.capacityPerSecond : undefined;
    })();
    figures[name] = await runColumn(name, name === 'gateway' || !gatewayCapacity ? undefined : Math.round(2 * gatewayCapacity));
  }
  console.log(`finished, ${load()}`);
  const overloadLabel = overloadOption !== '' ? 'fixed by --overload' : figures.gateway ? "2× the Roost gateway's capacity" : '2× its own capacity';
  const { text, markdown } = formatLatencyTable(figures, skipped, { rates, agents, storm, overloadLabel });
  console.log(`\n${text}\n\nMarkdown:\n\n${markdown}\n`);
  if (quick) console.log(`quick mode: ${rampSteps === 0 ? 'no capacity ramp (capacity = the most processed at the rates above), ' : ''}overload 1 s; skipped: ${Object.entries(skipped).map(([n, why]) => `${n} (${why})`).join('; ') || 'nothing'}`);
  console.log(JSON.stringify({ commit, agents, rates, seconds, storm, fleets, platform, figures, skipped }));
  // A quick run's peer build may still be going: it is not waited for.
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
