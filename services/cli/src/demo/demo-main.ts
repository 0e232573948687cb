/**
 * `npm run demo`: Roost with a few hundred simulated collectors in two environments, a good
 * rollout to completion and a bad config the canaries catch and roll back, shown with the real
 * CLI, then a summary. Exit code 0 when everything went as designed.
 *   npm run demo -- [--agents 300] [--window 4s] [--seed s] [--keep] [--summary-json]
 *                   [--nats-url nats://… --redis-url redis://…]   (one process per service)
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startFleet, type RunningFleet } from '@roost/fleet-simulator';
import type { RolloutPage } from '../api-types';
import { AdminClient } from '../admin-client';
import { parseArguments, text } from '../cli-arguments';
import type { CliIo } from '../cli-io';
import { durationMs } from '../plan-spec';
import { runCli } from '../run-cli';
import { summarise, summaryText, type DemoSummary } from './demo-summary';
import { REPO_ROOT, startRoostProcesses, type RoostProcesses } from './roost-processes';

const ENVIRONMENTS = 'production:2,staging:1';
const BEHAVIOURS = 'fail:50,unhealthy:25,rollback:25';
const CONFIG_DIR = join(__dirname, 'configs');

async function main(): Promise<number> {
  const args = parseArguments(process.argv.slice(2), ['keep', 'summary-json']);
  const agents = Number(text(args, 'agents') ?? 300);
  const window = text(args, 'window') ?? '4s';
  durationMs(window);
  const cluster = text(args, 'nats-url') && text(args, 'redis-url') ? { natsUrl: text(args, 'nats-url') as string, redisUrl: text(args, 'redis-url') as string } : undefined;
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  const logDir = mkdtempSync(join(tmpdir(), 'roost-demo-'));

  out('Roost demo: the server, simulated collectors in production and staging, a good rollout to');
  out('completion, and a bad config that the canaries catch and roll back.\n');
  out(`[1/6] Starting Roost ${cluster ? 'as one process per service on NATS and Redis' : 'in one process, in-memory state'} …`);
  const roost = await startRoostProcesses({ logDir, cluster });
  let fleet: RunningFleet | null = null;
  try {
    out(`      admin API ${roost.adminUrl}, OpAMP ${roost.opampUrl} (logs in ${logDir})`);
    out(`      watch the rollouts live in the web console: ${roost.adminUrl}/`);
    const production = Math.round((agents * 2) / 3);
    out(`\n[2/6] Starting ${agents} simulated collectors: ${production} production, ${agents - production} staging. Given a broken`);
    out('      config, half refuse it, a quarter apply it and turn unhealthy, a quarter roll themselves back.');
    const sentBad = new Set<string>();
    let badHash = '';
    fleet = await startFleet({ urls: [roost.opampUrl], agents, environments: ENVIRONMENTS, behaviours: BEHAVIOURS, applyDelayMs: { min: 300, max: 1500 }, seed: text(args, 'seed'),
      onEvent: (agent, event) => void (event.kind === 'offered' && event.hash === badHash && sentBad.add(agent.id)) });
    await fleet.waitUntilConnected(agents, 60_000);
    const client = new AdminClient({ server: roost.adminUrl, token: undefined });
    await waitFor(async () => (await client.get<{ fleet: { connected: number } }>('/api/v1/groups')).fleet.connected === agents, 'every collector in the fleet view');
    out(`      ${agents} connected (ROOST_URL=${roost.adminUrl} for the commands below)`);
    const cli = cliRunner(roost.adminUrl);
    await cli(['groups']);

    out('\n[3/6] Store the collector config (validated before any agent sees it)');
    const v1File = relative(REPO_ROOT, join(CONFIG_DIR, 'otel-demo-v1.yaml'));
    await cli(['config', 'push', v1File, '--name', 'otel-demo']);
    const plan = `canary:2%:${window},early:10%:${window},majority:50%:${window},full:100%:${window}`;

    out('\n[4/6] Roll it out: staging first, then production, canary first. Short windows for the demo;');
    out('      --health-grace 3s: an agent unhealthy for 3 s after applying counts as failed. The collectors');
    out('      had no remote config yet, so --accept-keep-new says they may keep it even if the rollout fails.');
    await cli(['rollout', 'start', '--group', 'staging', '--config', 'otel-demo@1', '--plan', `canary:10%:${window},all:100%:${window}`, '--health-grace', '3s', '--accept-keep-new', '--watch']);
    await cli(['rollout', 'start', '--group', 'production', '--config', 'otel-demo@1', '--plan', plan, '--health-grace', '3s', '--accept-keep-new', '--watch']);

    out('\n[5/6] A bad config: version 2 breaks the collectors. The canaries catch it, and every agent it');
    out('      reached goes back to its own previous config.');
    await cli(['config', 'push', relative(REPO_ROOT, join(CONFIG_DIR, 'otel-demo-v2-bad.yaml')), '--name', 'otel-demo']);
    badHash = (await client.get<{ hash: string }>('/api/v1/configs/otel-demo@2')).hash;
    await cli(['config', 'diff', 'otel-demo@1', 'otel-demo@2']);
    await cli(['rollout', 'start', '--group', 'production', '--config', 'otel-demo@2', '--plan', plan, '--health-grace', '3s', '--watch']);

    out('\n[6/6] Summary');
    const goodHash = (await client.get<{ hash: string }>('/api/v1/configs/otel-demo@1')).hash;
    const running = fleet;
    const onGood = (): number => running.agents.filter((a) => a.plan.environment === 'production' && a.snapshot().runningHash === goodHash).length;
    await waitFor(async () => onGood() === production, 'production back on the good config', 30_000).catch(() => undefined);
    await cli(['rollout', 'list']);
    await cli(['groups']);
    const rollouts = (await client.get<RolloutPage>('/api/v1/rollouts')).items.slice().reverse();
    const summary: DemoSummary = summarise({
      agents,
      environments: { production, staging: agents - production },
      rollouts,
      expected: [
        { target: 'group staging', status: 'completed' },
        { target: 'group production', status: 'completed' },
        { target: 'group production', status: 'rolled_back' },
      ],
      sentBadConfig: sentBad.size,
      productionOnGood: onGood(),
    });
    out();
    process.stdout.write(summaryText(summary));
    if (args.flags.has('summary-json')) out(JSON.stringify({ summary }));
    if (args.flags.get('keep') === true) await keepRunning(roost, out);
    return summary.ok ? 0 : 1;
  } finally {
    await fleet?.stop();
    await roost.stop();
  }
}

function cliRunner(server: string): (argv: string[]) => Promise<number> {
  const io: CliIo = {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    interactive: process.stdout.isTTY === true,
    now: Date.now,
    readFile: (path) => readFile(join(REPO_ROOT, path), 'utf8'),
  };
  return async (argv) => {
    process.stdout.write(`\n$ roost ${argv.map((a) => (/[\s(),]/.test(a) && !a.includes(':') ? JSON.stringify(a) : a)).join(' ')}\n`);
    return runCli(argv, { ROOST_URL: server }, io);
  };
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function keepRunning(roost: RoostProcesses, out: (line?: string) => void): Promise<void> {
  out(`\nStill running (--keep): open ${roost.adminUrl}/ or try ROOST_URL=${roost.adminUrl} npx roost rollout list. Ctrl-C stops.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
