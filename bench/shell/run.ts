/**
 * What the service shell costs: how long `roost` (every service, in-memory adapters) takes to say
 * it is ready, its resident memory once idle, how long its graceful stop takes, and the cost of
 * one admin command answered over the in-process bus.
 *   npx tsx bench/shell/run.ts [--starts=5] [--requests=3000]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { groupListRequestContract, rolloutStatusRequestContract, subjects } from '@roost/contracts';
import { startOrchestrator } from '@roost/orchestrator';
import { createMemoryPlatform } from '@roost/platform-memory';

const REPO_ROOT = join(__dirname, '..', '..');
const MAIN = join(REPO_ROOT, 'services', 'all-in-one', 'src', 'main.ts');
const IDLE_MS = 5_000;

function flag(name: string, fallback: number): number {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given ? Number(given.slice(name.length + 3)) : fallback;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? 'VmRSS: 0 kB';
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** One process start: ms to the `roost ready` line, RSS after idling, ms from SIGTERM to exit. */
async function oneStart(): Promise<{ readyMs: number; rss: number; stopMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--gateway-port', '0', '--admin-port', '0', '--grpc-port', '0', '--projector-port', '0', '--orchestrator-port', '0', '--log-format', 'json'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NATS_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const readyMs = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"msg":"roost ready"')) resolve(performance.now() - started);
    });
    void exited.then((code) => reject(new Error(`roost exited (${code}) before it was ready`)));
  });
  await new Promise((wake) => setTimeout(wake, IDLE_MS));
  const rss = rssMiB(child.pid as number);
  const stopping = performance.now();
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`roost exited ${code} after SIGTERM`);
  return { readyMs, rss, stopMs: performance.now() - stopping };
}

/** Microseconds per request, answered by the orchestrator in-process on the memory bus. */
async function commandCost(requests: number): Promise<{ groupList: number; statusMiss: number }> {
  const platform = createMemoryPlatform();
  const orchestrator = await startOrchestrator({ logger: pino({ level: 'silent' }) }, platform);
  try {
    const deadline = Date.now() + 10_000;
    while (!orchestrator.isLeader()) {
      if (Date.now() > deadline) throw new Error('the orchestrator did not lead within 10 s');
      await new Promise((wake) => setTimeout(wake, 20));
    }
    const time = async (subject: string, data: Uint8Array): Promise<number> => {
      for (let i = 0; i < 200; i++) await platform.bus.request(subject, data, { timeoutMs: 5_000 });
      const begin = performance.now();
      for (let i = 0; i < requests; i++) await platform.bus.request(subject, data, { timeoutMs: 5_000 });
      return ((performance.now() - begin) * 1000) / requests;
    };
    const groupList = await time(subjects.groupCommand('list'), groupListRequestContract.encode({}));
    const statusMiss = await time(subjects.rolloutQuery('status'), rolloutStatusRequestContract.encode({ rolloutId: 'no-such-rollout' }));
    return { groupList, statusMiss };
  } finally {
    await orchestrator.stop();
    await platform.close();
  }
}

async function main(): Promise<void> {
  const starts = flag('starts', 5);
  const requests = flag('requests', 3_000);
  const runs = [];
  for (let i = 0; i < starts; i++) runs.push(await oneStart());
  const costs = [];
  for (let i = 0; i < 3; i++) costs.push(await commandCost(requests));
  const row = (what: string, values: number[], unit: string, digits = 0): string =>
    `| ${what} | ${median(values).toFixed(digits)} ${unit} | ${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)} ${unit} |`;
  process.stdout.write(
    [
      `roost, every service on the in-memory adapters, through tsx (${starts} starts; ${requests} requests × 3 rounds)`,
      '| figure | median | range |',
      '|---|---|---|',
      row('start to `roost ready`', runs.map((r) => r.readyMs), 'ms'),
      row(`RSS after ${IDLE_MS / 1000} s idle`, runs.map((r) => r.rss), 'MiB', 1),
      row('SIGTERM to exit', runs.map((r) => r.stopMs), 'ms'),
      row('`group.cmd.list`, per request', costs.map((c) => c.groupList), 'µs', 1),
      row('`rollout.query.status` (unknown id), per request', costs.map((c) => c.statusMiss), 'µs', 1),
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
