/**
 * Orchestrator benchmark: fleet events applied per second (rebuild on start and live), and the
 * time from a phase start to every desired-config write and nudge for 10k agents. Each scenario
 * runs on a private nats-server (the production engines) and on the in-memory platform (the
 * all-in-one), each on a fresh world.
 *
 *   npx tsx bench/orchestrator/run.ts                 10k agents, 100k fleet events, 20k live
 *   npx tsx bench/orchestrator/run.ts --quick         1k agents, 10k events, 2k live
 *   options: --agents=10000 --events=100000 --live=20000 --platforms=nats,memory
 */
import { cpus, loadavg } from 'node:os';
import { measureFleetEvents, measurePhaseStart, type FleetEventFigures, type PhaseStartFigures } from './scenarios';
import type { PlatformKind } from './bench-platform';

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

const quick = process.argv.includes('--quick');
const agents = Number(option('agents', quick ? '1000' : '10000'));
const events = Number(option('events', quick ? '10000' : '100000'));
const live = Number(option('live', quick ? '2000' : '20000'));
const platforms = option('platforms', 'nats,memory').split(',') as PlatformKind[];

const load = (): string => `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;

function table(fleet: readonly FleetEventFigures[], phases: readonly PhaseStartFigures[]): string {
  const column = (kind: PlatformKind) => ({ fleet: fleet.find((f) => f.platform === kind), phase: phases.find((p) => p.platform === kind) });
  const rows: [string, (kind: PlatformKind) => string][] = [
    [`fleet view rebuilt on start (the live path from sequence 1): ${events} events (per s)`, (k) => String(column(k).fleet?.replayPerSecond ?? '—')],
    [`  bare follower on the same stream, empty handler: ${events + live} events (per s)`, (k) => String(column(k).fleet?.bareFollowerPerSecond ?? '—')],
    [`  bare nats.js durable consumer, consume() + ack_all (per s)`, (k) => String(column(k).fleet?.bareDurablePerSecond ?? '—')],
    ['  rebuild time (ms)', (k) => String(column(k).fleet?.replayMs ?? '—')],
    [`live fleet events applied: ${live} appended (per s)`, (k) => String(column(k).fleet?.livePerSecond ?? '—')],
    ['  appending them took (ms)', (k) => String(column(k).fleet?.liveAppendMs ?? '—')],
    ['  last one applied after the last append (ms)', (k) => String(column(k).fleet?.trailMs ?? '—')],
    [`phase start to all desired writes + nudges, ${agents} agents (ms)`, (k) => String(column(k).phase?.allNudgedMs ?? '—')],
    ['  promote answered, events stored (ms)', (k) => String(column(k).phase?.eventsStoredMs ?? '—')],
    ['  first nudge (ms)', (k) => String(column(k).phase?.firstNudgeMs ?? '—')],
    ['  nudge messages', (k) => String(column(k).phase?.nudgeMessages ?? '—')],
    ['  agent-desired entries after', (k) => String(column(k).phase?.desiredEntries ?? '—')],
  ];
  const lines = [`| measure | ${platforms.join(' | ')} |`, `| --- | ${platforms.map(() => '---:').join(' | ')} |`];
  for (const [label, value] of rows) lines.push(`| ${label} | ${platforms.map(value).join(' | ')} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${load()}`);
  const fleet: FleetEventFigures[] = [];
  const phases: PhaseStartFigures[] = [];
  for (const kind of platforms) {
    console.log(`[${kind}] fleet events: ${agents} agents, ${events} stored, ${live} live`);
    fleet.push(await measureFleetEvents(kind, agents, events, live));
    console.log(JSON.stringify({ scenario: 'fleet-events', ...fleet[fleet.length - 1] }));
    console.log(`[${kind}] phase start: ${agents} agents`);
    phases.push(await measurePhaseStart(kind, agents));
    console.log(JSON.stringify({ scenario: 'phase-start', ...phases[phases.length - 1] }));
  }
  console.log(`\n${table(fleet, phases)}\n`);
  console.log(`finished, ${load()}`);
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
