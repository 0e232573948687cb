import { randomUUID } from 'node:crypto';
import { BUCKETS, pushNudgeContract, STREAMS, rolloutReplyContract, subjects, type FleetEvent } from '@roost/contracts';
import { startOrchestrator, type RunningOrchestrator } from '@roost/orchestrator';
import { eventually } from '@roost/testing';
import { drainWithDurable, drainWithFollower } from '../nats/bare-readers';
import { announceGateways, appendFleetEvents, configYaml, connectedEvent, GATEWAYS, healthEvent, storeConfig } from './bench-fleet';
import { benchPlatforms, type BenchPlatforms, type PlatformKind } from './bench-platform';
import { CaptureLogger } from './capture-logger';

export interface FleetEventFigures {
  readonly platform: PlatformKind;
  readonly replayedEvents: number;
  readonly replayMs: number;
  readonly replayPerSecond: number;
  readonly liveEvents: number;
  readonly liveMs: number;
  readonly livePerSecond: number;
  /** How long the benchmark took to append the live events (it is the producer). */
  readonly liveAppendMs: number;
  /** From the last append to the last event applied: how far the view trailed the producer. */
  readonly trailMs: number;
  /** Baselines on the same FLEET_EVENTS, after the scenario (NATS only): the follower alone, and a bare durable consumer. */
  readonly bareFollowerPerSecond?: number;
  readonly bareDurablePerSecond?: number;
}

export interface PhaseStartFigures {
  readonly platform: PlatformKind;
  readonly agents: number;
  readonly eventsStoredMs: number;
  readonly firstNudgeMs: number;
  readonly allNudgedMs: number;
  readonly desiredEntries: number;
  readonly nudgeMessages: number;
}

const encoder = new TextEncoder();

function fleetOf(agents: number, environment: string, runningHash: string): FleetEvent[] {
  const now = Date.now();
  return Array.from({ length: agents }, (_, index) => connectedEvent(randomUUID(), GATEWAYS[index % GATEWAYS.length] as string, environment, runningHash, now));
}

const SKIPPED = 'skipped a fleet event that breaks its contract';

/** Events the orchestrator skips are never applied: a wait for them would only time out. */
function refuseSkippedEvents(logger: CaptureLogger): void {
  const skipped = logger.find(SKIPPED);
  if (skipped !== undefined) throw new Error(`the orchestrator skipped a fleet event the benchmark wrote (${String(skipped['err'])}); fix the benchmark's events`);
}

async function withOrchestrator<T>(platforms: BenchPlatforms, logger: CaptureLogger, run: (orchestrator: RunningOrchestrator) => Promise<T>, onFleetEvent?: (event: FleetEvent) => void): Promise<T> {
  const stopPresence = await announceGateways(platforms.client);
  const orchestrator = await startOrchestrator({ instanceId: 'bench', logger, leaseRetryMs: 100, onFleetEvent }, platforms.orchestrator);
  try {
    await eventually(() => orchestrator.isLeader(), { timeoutMs: 30_000, what: 'the orchestrator to lead' });
    return await run(orchestrator);
  } finally {
    stopPresence();
    await orchestrator.stop();
  }
}

/**
 * Fleet events applied per second: (1) the rebuild on start — `agents` connections plus status
 * changes up to `events`, read from FLEET_EVENTS, decoded against the contract and applied to
 * the view (the service logs how long it took); (2) live — `live` more status events appended
 * while it runs, counted as the view applies them.
 */
export async function measureFleetEvents(kind: PlatformKind, agents: number, events: number, live: number): Promise<FleetEventFigures> {
  const platforms = await benchPlatforms(kind);
  try {
    const baseline = await storeConfig(platforms.client, configYaml('basic'));
    const connected = fleetOf(agents, 'bench', baseline);
    const history = [...connected];
    for (let index = 0; history.length < events; index += 1) history.push(healthEvent(connected[index % agents] as FleetEvent, Date.now(), index % 2 === 0));
    await appendFleetEvents(platforms.client, history);
    const logger = new CaptureLogger();
    let applied = 0;
    const figures = await withOrchestrator(
      platforms,
      logger,
      async (orchestrator) => {
        refuseSkippedEvents(logger);
        const rebuilt = logger.find('fleet view rebuilt from FLEET_EVENTS');
        const replayMs = Number(rebuilt?.['ms'] ?? NaN);
        if (orchestrator.fleetSize() !== agents) throw new Error(`fleet view holds ${orchestrator.fleetSize()} agents, expected ${agents}`);
        const more = Array.from({ length: live }, (_, index) => healthEvent(connected[index % agents] as FleetEvent, Date.now(), index % 2 === 1));
        applied = 0;
        const started = performance.now();
        await appendFleetEvents(platforms.client, more);
        const appendedAt = performance.now();
        await eventually(() => applied >= live || logger.find(SKIPPED) !== undefined, { timeoutMs: 600_000, intervalMs: 5, what: `${live} live fleet events to be applied` });
        refuseSkippedEvents(logger);
        const liveMs = performance.now() - started;
        return {
          platform: kind,
          replayedEvents: history.length,
          replayMs,
          replayPerSecond: Math.round((history.length / replayMs) * 1_000),
          liveEvents: live,
          liveMs: Math.round(liveMs),
          livePerSecond: Math.round((live / liveMs) * 1_000),
          liveAppendMs: Math.round(appendedAt - started),
          trailMs: Math.round(started + liveMs - appendedAt),
        };
      },
      () => {
        applied += 1;
      },
    );
    if (platforms.natsUrl === null) return figures;
    const total = history.length + live;
    const perSecond = async (read: () => Promise<void>): Promise<number> => {
      const started = performance.now();
      await read();
      return Math.round((total / (performance.now() - started)) * 1_000);
    };
    const bareFollowerPerSecond = await perSecond(() => drainWithFollower(platforms.client.events, STREAMS.fleetEvents.name, total));
    const bareDurablePerSecond = await perSecond(() => drainWithDurable(platforms.natsUrl ?? '', STREAMS.fleetEvents.name, total));
    return { ...figures, bareFollowerPerSecond, bareDurablePerSecond };
  } finally {
    await platforms.close();
  }
}

/**
 * Time from a phase start to every desired-config write and nudge, for `agents` agents: a
 * rollout whose canary is one agent with a long window is promoted, so the next phase (100%)
 * starts and targets every other agent. The clock runs from sending the promote command until
 * every targeted agent was named in a `gateway.<id>.push` nudge (nudges follow the writes).
 */
export async function measurePhaseStart(kind: PlatformKind, agents: number): Promise<PhaseStartFigures> {
  const platforms = await benchPlatforms(kind);
  try {
    const baseline = await storeConfig(platforms.client, configYaml('basic'));
    const next = await storeConfig(platforms.client, configYaml('detailed'));
    await appendFleetEvents(platforms.client, fleetOf(agents, 'bench', baseline));
    const logger = new CaptureLogger();
    return await withOrchestrator(platforms, logger, async (orchestrator) => {
      await eventually(() => orchestrator.fleetSize() === agents, { timeoutMs: 60_000, what: 'the fleet view' });
      const nudged = new Set<string>();
      let nudgeMessages = 0;
      let firstNudgeAt = 0;
      let allNudgedAt = 0;
      const subscription = platforms.client.bus.subscribe('gateway.*.push', (message) => {
        nudgeMessages += 1;
        firstNudgeAt ||= performance.now();
        for (const agentId of pushNudgeContract.decode(message.data).agentIds) nudged.add(agentId);
        if (nudged.size >= agents && allNudgedAt === 0) allNudgedAt = performance.now();
      });
      const request = (subject: string, body: unknown) => platforms.client.bus.request(subject, encoder.encode(JSON.stringify(body)), { timeoutMs: 120_000 });
      const start = rolloutReplyContract.decode(
        await request(subjects.rolloutCommand('start'), { target: { kind: 'group', group: 'bench' }, configHash: next, plan: [{ count: 1, windowMs: 3_600_000 }, { percent: 100 }], actor: 'bench' }),
      );
      if (!start.ok) throw new Error(`start refused: ${start.error.message}`);
      await eventually(() => nudged.size === 1, { timeoutMs: 30_000, what: 'the canary nudge' });
      firstNudgeAt = 0;
      nudgeMessages = 0;
      const started = performance.now();
      const promoted = rolloutReplyContract.decode(await request(subjects.rolloutCommand('promote'), { rolloutId: start.result.rolloutId, actor: 'bench' }));
      const storedAt = performance.now();
      if (!promoted.ok) throw new Error(`promote refused: ${promoted.error.message}`);
      await eventually(() => allNudgedAt > 0, { timeoutMs: 300_000, intervalMs: 5, what: 'every agent to be nudged' });
      subscription.unsubscribe();
      await orchestrator.idle();
      const desiredEntries = (await (await platforms.client.kv.open(BUCKETS.agentDesired.name)).keys()).length;
      return {
        platform: kind,
        agents,
        eventsStoredMs: Math.round(storedAt - started),
        firstNudgeMs: Math.round(firstNudgeAt - started),
        allNudgedMs: Math.round(allNudgedAt - started),
        desiredEntries,
        nudgeMessages,
      };
    });
  } finally {
    await platforms.close();
  }
}
