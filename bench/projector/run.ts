/**
 * Projector benchmark: events applied per second into Redis, on a real nats-server and
 * redis-server started for the run (see docs/benchmarks.md, "Projector").
 *   npx tsx bench/projector/run.ts [--rollouts 10] [--agents 2000] [--fleet-agents 5000] [--fleet-steps 4] [--live-events 5000]
 *   npx tsx bench/projector/run.ts --quick   small sizes, one round (CI runs it so a broken benchmark fails)
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, connectNatsPlatform } from '@roost/platform-nats';
import { connectRedis, createRedisViewStore } from '@roost/platform-redis';
import { silentLogger, type Platform } from '@roost/ports';
import { createAppliers, createProjectorMetrics, rebuildProjectorViews, startProjector } from '@roost/projector';
import { startNatsServer, startRedisServer } from '@roost/testing';
import { batchReads, FragmentCache, projectBatch, rolloutProjection } from '@roost/views';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { drainWithDurable, drainWithFollower } from '../nats/bare-readers';
import { appendAll, fleetHistory, rolloutHistories } from './event-streams';

const quick = process.argv.includes('--quick');

/**
 * The projector's young generation as deployed (NODE_OPTIONS in deploy/compose.yaml and
 * deploy/kubernetes/projector.yaml); V8 takes it at start only, so the benchmark runs itself
 * again with it when started without.
 */
const DEPLOYED_NODE_OPTIONS = '--max-semi-space-size=64';
const deployedHeap = (process.env.NODE_OPTIONS ?? '').includes(DEPLOYED_NODE_OPTIONS) || process.execArgv.includes(DEPLOYED_NODE_OPTIONS);

function flag(name: string, fallback: number, quickFallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : quick ? quickFallback : fallback;
}

/** Each measurement runs this often; the table shows the median (the machine is shared). */
const ROUNDS = quick ? 1 : 3;

const rate = (events: number, ms: number): number => Math.round((events / ms) * 1000);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** CPU time this process used during the last `timed` call, in ms (its own share of a busy machine). */
let lastCpuMs = 0;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  lastCpuMs = (used.user + used.system) / 1000;
  return [value, performance.now() - started];
}

function groupRows(rows: ReadonlyArray<[string, number, number, number]>): Map<string, Array<[number, number, number]>> {
  const groups = new Map<string, Array<[number, number, number]>>();
  for (const [name, events, ms, cpuMs] of rows) groups.set(name, [...(groups.get(name) ?? []), [events, ms, cpuMs]]);
  return groups;
}

async function main(): Promise<void> {
  const rollouts = flag('rollouts', 10, 2);
  const agents = flag('agents', 2000, 500);
  const fleetAgents = flag('fleet-agents', 5000, 1000);
  const fleetSteps = flag('fleet-steps', 4, 2);
  const liveEvents = flag('live-events', 5000, 1000);
  const loadBefore = loadavg().map((l) => l.toFixed(2)).join(' ');
  const [nats, redis] = await Promise.all([startNatsServer(), startRedisServer()]);
  const admin = await connectRedis({ url: redis.url });
  const platforms: Platform[] = [];
  const platform = async (): Promise<Platform> => {
    const p = await connectNatsPlatform({ url: nats.url, views: await createRedisViewStore({ url: redis.url }) });
    platforms.push(p);
    return p;
  };
  const rows: Array<[string, number, number, number]> = [];
  try {
    const [histories, generateMs] = await timed(async () => rolloutHistories('bench', rollouts, agents));
    const fleet = fleetHistory(fleetAgents, fleetSteps);
    const rolloutEvents = histories.reduce((n, h) => n + h.length, 0);
    console.log(`generated ${rolloutEvents} rollout events (${rollouts} rollouts × ${agents} agents) in ${seconds(generateMs)}, ${fleet.length} fleet events`);

    // Pure projection, no I/O (batches of 500 sharing a fragment cache, as a rebuild does): the ceiling.
    const all = histories.flat();
    for (let round = 0; round < ROUNDS; round += 1) {
      const [, pureMs] = await timed(async () => {
        const cache = new FragmentCache();
        for (let i = 0; i < all.length; i += 500) {
          const batch = all.slice(i, i + 500);
          for (const ref of cache.missing(batchReads(rolloutProjection, batch))) cache.fill(ref, null);
          projectBatch(rolloutProjection, batch, cache);
        }
      });
      rows.push(['pure projection of rollout events (no I/O)', all.length, pureMs, lastCpuMs]);
    }

    const p1 = await platform();
    const [appended, appendMs] = await timed(() => appendAll(p1.events, histories, fleet));
    console.log(`appended ${appended} events to NATS in ${seconds(appendMs)} (${rate(appended, appendMs)}/s)`);

    const [read, readMs] = await timed(() => p1.events.read('rollout.events.>'));
    rows.push(['NATS read of the rollout stream alone', read.length, readMs, lastCpuMs]);

    // Rebuild: wipe, then read + project + write in batches of 500 events per atomic write.
    let replayed = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const [report, rebuildMs] = await timed(() => rebuildProjectorViews(p1));
      replayed = Object.values(report.streams).reduce((n, s) => n + s.replayed, 0);
      for (const [stream, figures] of Object.entries(report.streams)) rows.push([`rebuild of ${stream}: read + project + write`, figures.replayed, figures.durationMs, Number.NaN]);
      rows.push(['rebuild, both streams, wipe included', replayed, rebuildMs, lastCpuMs]);
    }

    // Start on a full stream (a read in batches), then the live path: the followers from the
    // checkpoint, with events appended while it runs (the producer bounds that rate).
    await admin.redis.flushall();
    const [projector, startMs] = await timed(async () => {
      const running = await startProjector({}, p1);
      await running.caughtUp(600_000);
      return running;
    });
    rows.push(['projector start on a full stream (catch-up)', replayed, startMs, lastCpuMs]);

    const liveHistories = rolloutHistories('live', Math.max(1, Math.round(liveEvents / 5 / 500)), 500);
    const liveCount = liveHistories.reduce((n, h) => n + h.length, 0);
    const [, liveMs] = await timed(async () => {
      await appendAll(p1.events, liveHistories, []);
      await projector.caughtUp(600_000);
    });
    rows.push(['live: appended while running (bounded by the append rate)', liveCount, liveMs, Number.NaN]);
    await projector.stop();

    // The live path alone on full streams: each stream's applier on the event store's follower
    // from the first event (batches of whatever has arrived, up to 500), as the projector runs
    // it once caught up, on empty views.
    await admin.redis.flushall();
    const appliers = createAppliers(p1, createProjectorMetrics(), silentLogger, 500);
    const targets = await Promise.all(appliers.map((a) => p1.events.lastSequence(a.projection.stream)));
    const [, followersMs] = await timed(async () => {
      const followers = await Promise.all(
        appliers.map((a) => p1.events.follow({ stream: a.projection.stream, filterSubject: a.projection.filterSubject, maxBatch: 500 }, async (batch) => void (await a.apply(batch)))),
      );
      while (appliers.some((a, i) => a.applied < (targets[i] ?? 0))) await new Promise((resolve) => setTimeout(resolve, 5));
      await Promise.all(followers.map((f) => f.stop()));
    });
    rows.push(['projector live path: its followers on full streams (no catch-up read)', targets.reduce((n, t) => n + t, 0), followersMs, lastCpuMs]);

    // Baselines in the same run, on the same streams: how fast can anything read them?
    const total = await p1.events.lastSequence('ROLLOUT_EVENTS');
    const [, followMs] = await timed(() => drainWithFollower(p1.events, 'ROLLOUT_EVENTS', total));
    rows.push(['bare follower (the same reader), empty handler', total, followMs, lastCpuMs]);
    const [, durableMs] = await timed(() => drainWithDurable(nats.url, 'ROLLOUT_EVENTS', total));
    rows.push(['bare nats.js durable consumer, consume() + ack_all, empty handler', total, durableMs, lastCpuMs]);

    console.log(`\nload average before: ${loadBefore}, after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${ROUNDS} rounds where shown, median; NODE_OPTIONS ${process.env.NODE_OPTIONS ?? "(none)"}`);
    console.log('\n| path | events | time | events/s | projector CPU µs/event |\n|---|---:|---:|---:|---:|');
    for (const [name, runs] of groupRows(rows)) {
      const byRate = [...runs].sort((a, b) => rate(a[0], a[1]) - rate(b[0], b[1]));
      const [events, ms, cpuMs] = byRate[Math.floor(byRate.length / 2)]!;
      const spread = runs.length > 1 ? ` (${runs.map(([e, m]) => rate(e, m).toLocaleString('en-US')).join(' / ')})` : '';
      const cpu = Number.isNaN(cpuMs) ? '–' : ((cpuMs * 1000) / events).toFixed(1);
      console.log(`| ${name} | ${events} | ${seconds(ms)} | ${rate(events, ms).toLocaleString('en-US')}${spread} | ${cpu} |`);
    }
  } finally {
    for (const p of platforms) await p.close();
    await admin.close();
    const client = await connectNats({ url: nats.url });
    const jsm = await jetstreamManager(client.nc);
    for await (const name of jsm.streams.names()) await jsm.streams.delete(name);
    await client.close();
    await Promise.all([nats.stop(), redis.stop()]);
  }
}

if (!deployedHeap) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${DEPLOYED_NODE_OPTIONS}`.trim() },
  });
  process.exit(child.status ?? 1);
}

const deadline = setTimeout(() => {
  console.error('benchmark exceeded 20 minutes; giving up');
  process.exit(1);
}, 20 * 60_000);
deadline.unref();

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
