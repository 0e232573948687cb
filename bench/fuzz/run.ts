/**
 * A healthy agent's round trips while the gateway is fuzzed: one WebSocket agent exchanges
 * heartbeats one after another with a gateway process, first alone, then while generated
 * OpAMP inputs (the fuzz suite's, test/gateway/opamp-fuzz.int.spec.ts) arrive over WebSocket
 * and plain HTTP from a fuzzing process (bench/fuzz/fuzzer.ts); its p50 and p99 each time, and
 * the ratio.
 *
 *   npx tsx bench/fuzz/run.ts            100k inputs, 5,000 round trips alone
 *   npx tsx bench/fuzz/run.ts --quick    30k inputs, 1,000 round trips alone
 *   options: --inputs=100000 --alone=5000 --seed=<n> --ws-connections=6 --http-workers=3
 *            --platform=memory|nats   the gateway's platform (nats: a private nats-server)
 *
 * The gateway runs in its own process with a 64 KiB message limit (oversize frames and bodies
 * stay cheap to send) and a 32 MiB memory budget. Gateway, fuzzer and healthy agent share the
 * machine's cores (in production the fuzzer would be elsewhere). Loopback only; bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { healthyRoundTrips, quantile } from '@roost/gateway/testing';
import { startNatsServer, type TestServer } from '@roost/testing';

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

const quick = process.argv.includes('--quick');
const inputs = Number(option('inputs', quick ? '30000' : '100000'));
const alone = Number(option('alone', quick ? '1000' : '5000'));
const seed = Number(option('seed', String(randomInt(2 ** 31))));
const wsConnections = Number(option('ws-connections', '6'));
const httpWorkers = Number(option('http-workers', '3'));
const platform = option('platform', 'memory');
if (platform !== 'memory' && platform !== 'nats') throw new Error(`--platform must be memory or nats, not ${platform}`);
const MAX_MESSAGE_BYTES = 64 * 1024;
const BUDGET = 32 * 1024 * 1024;

interface FuzzerResult {
  readonly seconds: number;
  readonly ws: number;
  readonly http: number;
  readonly mismatches: number;
  readonly examples: string[];
}

/** Runs the fuzzer process; `generated` resolves once its inputs are made (the fuzz starts), `done` with what it sent. */
function startFuzzer(url: string, httpUrl: string): { generated: Promise<void>; done: Promise<FuzzerResult> } {
  const args = [url, httpUrl, inputs, seed, wsConnections, httpWorkers, MAX_MESSAGE_BYTES].map(String);
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fuzzer.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let generated!: () => void;
  const result = new Promise<FuzzerResult>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the fuzzer exited with ${code} before it finished`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as Partial<FuzzerResult> & { generated?: number };
      if (parsed.generated !== undefined) generated();
      else resolve(parsed as FuzzerResult);
    });
  });
  return { generated: new Promise<void>((resolve) => (generated = resolve)), done: result };
}

/** Starts the gateway process and resolves with its URLs once it says it is ready. */
function startGatewayProcess(natsUrl: string | null): Promise<{ child: ChildProcess; url: string; httpUrl: string }> {
  const entry = join(__dirname, '..', '..', 'services', 'gateway', 'src', 'main.ts');
  const args = ['--port', '0', '--host', '127.0.0.1', '--max-message-bytes', String(MAX_MESSAGE_BYTES), '--memory-budget-bytes', String(BUDGET)];
  const env = { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'production', ...(natsUrl ? { NATS_URL: natsUrl } : {}) };
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the gateway did not say it was ready within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line.startsWith('{') ? line : '{}') as { msg?: string; url?: string; httpUrl?: string; level?: number };
      if ((parsed.level ?? 0) >= 50) console.error(`gateway: ${line}`);
      if (parsed.msg !== 'gateway ready') return;
      clearTimeout(timer);
      resolve({ child, url: String(parsed.url), httpUrl: String(parsed.httpUrl) });
    });
  });
}

function figures(roundTrips: readonly number[]): string {
  return `${roundTrips.length} round trips, p50 ${quantile(roundTrips, 0.5).toFixed(2)} ms, p99 ${quantile(roundTrips, 0.99).toFixed(2)} ms, max ${Math.max(...roundTrips).toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    console.error('benchmark exceeded 10 minutes; stopping');
    process.exit(1);
  }, 10 * 60_000);
  deadline.unref();
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, gateway platform ${platform}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const nats: TestServer | null = platform === 'nats' ? await startNatsServer() : null;
  const gateway = await startGatewayProcess(nats?.url ?? null);
  try {
    // Warm-up, then alone.
    await healthyRoundTrips(gateway.url, () => true, 200);
    let left = alone;
    const quiet = await healthyRoundTrips(gateway.url, () => --left <= 0, alone);
    console.log(`alone:       ${figures(quiet)}`);

    const fuzzer = startFuzzer(gateway.url, gateway.httpUrl);
    await fuzzer.generated;
    let fuzzing = true;
    const healthy = healthyRoundTrips(gateway.url, () => !fuzzing, 1);
    const fuzzed = await fuzzer.done.finally(() => (fuzzing = false));
    const loud = await healthy;
    const mismatches = fuzzed.mismatches;
    console.log(`under fuzz:  ${figures(loud)}`);
    console.log(
      `fuzz: seed ${seed}, ${fuzzed.ws} WebSocket frames on ${wsConnections} sockets and ${fuzzed.http} HTTP requests from ${httpWorkers} agents in ${fuzzed.seconds.toFixed(1)} s (${Math.round(inputs / fuzzed.seconds)}/s); ${mismatches} answers not as their class requires`,
    );
    const ratio = (q: number) => (quantile(loud, q) / quantile(quiet, q)).toFixed(1);
    console.log(`ratio under fuzz / alone: p50 ×${ratio(0.5)}, p99 ×${ratio(0.99)}`);
    console.log(
      JSON.stringify({
        bench: 'fuzz',
        seed,
        platform,
        inputs,
        seconds: fuzzed.seconds,
        alone: { n: quiet.length, p50: quantile(quiet, 0.5), p99: quantile(quiet, 0.99) },
        underFuzz: { n: loud.length, p50: quantile(loud, 0.5), p99: quantile(loud, 0.99) },
        mismatches,
      }),
    );
    if (mismatches > 0) throw new Error(`answers not as their class requires: ${fuzzed.examples.join('; ')}`);
  } finally {
    gateway.child.kill('SIGTERM');
    await new Promise((resolve) => gateway.child.once('exit', resolve));
    await nats?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
