/**
 * Gateway benchmark: simulated OpAMP agents over WebSocket (a separate process) against a bare
 * `ws` server (the baseline), the Roost gateway and a minimal OpAMP server on opamp-go's `server`
 * package (the peer; skipped, with the reason, where Go is missing), each in its own process, in one run.
 *
 *   npm run bench:gateway                 full run: 10k and 19k agents, 2 KB config, status steps
 *   npm run bench:gateway -- --quick      smoke run with 1k/2k agents and short steps
 *   options: --checkpoints=10000,19000 --agents=10000 --config-bytes=2048 --deliveries=5
 *            --status-rates=10000,20000,30000,40000 --step-seconds=4 --servers=baseline,gateway,opamp-go
 *            --platform=memory|nats   the gateway's platform: in memory (default), or a private
 *                                     nats-server (fleet events leave the process, as in production)
 *
 * Profiling: BENCH_PROFILE_DIR=tmp/prof records each delivery round and status step of a server process;
 *            BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=tmp/prof" passes flags to every child.
 * Loopback only. Every wait is bounded and the whole run is killed after --deadline-minutes (20).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { formatTables, type ServerFigures } from './report';
import { measureDelivery, measureMemory } from './scenarios';
import { SERVER_KINDS, type ServerKind } from './server-under-test';

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

const quick = process.argv.includes('--quick');
const checkpoints = option('checkpoints', quick ? '1000,2000' : '10000,19000').split(',').map(Number);
const agents = Number(option('agents', quick ? '1000' : '10000'));
const configBytes = Number(option('config-bytes', '2048'));
const deliveries = Number(option('deliveries', '5'));
const statusRates = option('status-rates', quick ? '5000,10000' : '10000,20000,30000,40000').split(',').map(Number);
const stepSeconds = Number(option('step-seconds', quick ? '2' : '4'));
const servers = option('servers', SERVER_KINDS.join(',')).split(',') as ServerKind[];
const deadlineMinutes = Number(option('deadline-minutes', '20'));
const platform = option('platform', 'memory');
if (platform !== 'memory' && platform !== 'nats') throw new Error(`--platform must be memory or nats, not ${platform}`);
// Read by the gateway's server process (servers/roost-gateway.ts).
process.env['BENCH_GATEWAY_PLATFORM'] = platform;

const skipped = (why: string) => ({ notWired: why });

async function runServer(kind: ServerKind): Promise<ServerFigures> {
  if (!servers.includes(kind)) return { memory: skipped('not selected (--servers)'), delivery: skipped('not selected (--servers)') };
  console.log(`[${kind}] memory: connecting ${checkpoints.join(' then ')} agents`);
  const memory = await measureMemory(kind, checkpoints);
  if ('notWired' in memory) {
    console.log(`[${kind}] ${memory.notWired}`);
    return { memory, delivery: memory };
  }
  console.log(`[${kind}] delivery: ${agents} agents, ${configBytes} B config, ${deliveries} times; status reports at ${statusRates.join(', ')}/s`);
  const delivery = await measureDelivery(kind, agents, configBytes, deliveries, statusRates, stepSeconds);
  if ('ok' in delivery && delivery.ok.configsAppliedByAgents !== delivery.ok.agents) {
    throw new Error(`[${kind}] ${delivery.ok.configsAppliedByAgents} of ${delivery.ok.agents} agents applied the config`);
  }
  return { memory, delivery };
}

/** Other processes on the machine skew every figure; the load average says whether they ran. */
function load(): string {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

function environment(): string {
  const limits = execFileSync('sh', ['-c', 'echo "$(ulimit -n) soft / $(ulimit -Hn) hard"']).toString().trim();
  return `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, open files ${limits}, gateway platform ${platform}, ${load()}`;
}

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    console.error(`benchmark exceeded ${deadlineMinutes} minutes; stopping`);
    process.exit(1); // children exit on IPC disconnect
  }, deadlineMinutes * 60_000);
  deadline.unref();

  console.log(environment());
  const baseline = await runServer('baseline');
  const gateway = await runServer('gateway');
  const peer = await runServer('opamp-go');
  console.log(`finished, ${load()}`);
  const columns = { baseline, gateway, 'opamp-go': peer };
  const { text, markdown } = formatTables(columns, { checkpoints, agents, configBytes, deliveries, rates: statusRates });
  console.log(`\n${text}\n\nMarkdown:\n\n${markdown}\n`);
  console.log(JSON.stringify({ checkpoints, agents, configBytes, deliveries, statusRates, stepSeconds, platform, ...columns }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
