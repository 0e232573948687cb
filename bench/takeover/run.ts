/**
 * Leader takeover, measured: a leader and a standby orchestrator run as processes on one
 * private nats-server; the leader is SIGKILLed at a random point of its renewal cycle and the
 * time until the standby says it leads (lease taken and every rollout taken over) is measured.
 * Repeated `--kills` times (default 10); prints each figure, then p50 and max.
 *
 *   npm run bench:takeover -- --kills 20
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startNatsServer } from '@roost/testing';

const REPO_ROOT = join(__dirname, '..', '..');
const LEADING = 'orchestrator leading: answering commands';
const STARTED = 'orchestrator started; campaigning for the lease';

interface Orchestrator {
  readonly child: ChildProcess;
  /** Resolves with the time (ms since epoch, this process's clock) the line was read. */
  line(msg: string): Promise<number>;
}

function orchestrator(natsUrl: string, id: string): Orchestrator {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services/orchestrator/src/main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, NATS_URL: natsUrl, ORCHESTRATOR_ID: id, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seen = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let msg: unknown;
    try {
      msg = (JSON.parse(text) as { msg?: unknown }).msg;
    } catch {
      return;
    }
    if (typeof msg !== 'string' || seen.has(msg)) return;
    const at = Date.now();
    seen.set(msg, at);
    waiting.get(msg)?.(at);
  });
  return {
    child,
    line: (msg) => {
      const at = seen.get(msg);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${id}: no "${msg}" within 60 s`)), 60_000);
        waiting.set(msg, (when) => {
          clearTimeout(timer);
          resolve(when);
        });
      });
    },
  };
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

async function main(): Promise<void> {
  const index = process.argv.indexOf('--kills');
  const kills = index === -1 ? 10 : Number(process.argv[index + 1]);
  if (!Number.isInteger(kills) || kills < 1) throw new Error(`--kills must be a whole number >= 1, got ${process.argv[index + 1]}`);
  const nats = await startNatsServer();
  const figures: number[] = [];
  let leader = orchestrator(nats.url, 'takeover-0');
  try {
    await leader.line(LEADING);
    for (let round = 1; round <= kills; round++) {
      const standby = orchestrator(nats.url, `takeover-${round}`);
      await standby.line(STARTED);
      // anywhere in the leader's 3 s renewal cycle
      await new Promise((resolve) => setTimeout(resolve, 1_000 + Math.random() * 3_000));
      const killedAt = Date.now();
      await kill(leader.child);
      const ledAt = await standby.line(LEADING);
      figures.push(ledAt - killedAt);
      console.log(`kill ${round}/${kills}: standby leading ${((ledAt - killedAt) / 1000).toFixed(2)} s after the leader was killed`);
      leader = standby;
    }
  } finally {
    await kill(leader.child);
    await nats.stop();
  }
  const sorted = [...figures].sort((a, b) => a - b);
  console.log(`takeover over ${kills} kills: p50 ${(percentile(sorted, 50) / 1000).toFixed(2)} s, max ${(sorted[sorted.length - 1]! / 1000).toFixed(2)} s (lease TTL 10 s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
