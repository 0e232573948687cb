import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, connectNatsPlatform } from '@roost/platform-nats';
import { connectRedis, createRedisViewStore, type RedisClient } from '@roost/platform-redis';
import { PortError, type OwnedViewStore, type Platform } from '@roost/ports';
import { rebuildProjectorViews, startProjector, type ProjectorOptions, type RunningProjector } from '@roost/projector';
import { summarize, targetedAgentIds, type RolloutEvent } from '@roost/rollout';
import { eventually, startNatsServer, startRedisServer, type TestServer } from '@roost/testing';
import { failureGroupsFromHash, listAgentRollouts, readAgentDetail, readAgentEvents, readAgentOutcomes, readFleetSummary, readRolloutDetail, rolloutKeys, originalStatus } from '@roost/views';
import { agentId, appendFleetEvents, appendRolloutEvents, dumpViews, fleetEventsOf, simulateOriginal, T0 } from './projector-fixtures';

let nats: TestServer;
let redis: TestServer;
let admin: RedisClient;
let reference: RedisClient;
const open: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];

beforeAll(async () => {
  [nats, redis] = await Promise.all([startNatsServer(), startRedisServer()]);
  admin = await connectRedis({ url: redis.url, name: 'roost-test-admin' });
  reference = await connectRedis({ url: `${redis.url}/1`, name: 'roost-test-reference' });
});
afterAll(async () => {
  await Promise.all([admin.close(), reference.close()]);
  await Promise.all([nats.stop(), redis.stop()]);
});
beforeEach(async () => {
  const client = await connectNats({ url: nats.url });
  const jsm = await jetstreamManager(client.nc);
  for await (const name of jsm.streams.names()) await jsm.streams.delete(name);
  await client.close();
  await admin.redis.flushall();
});
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await ('stop' in item ? item.stop() : item.close());
});

async function platformWith(views?: OwnedViewStore): Promise<Platform> {
  const platform = await connectNatsPlatform({ url: nats.url, views: views ?? (await createRedisViewStore({ url: redis.url })), redeliveryDelayMs: 20 });
  open.push(platform);
  return platform;
}

async function projectorOn(platform: Platform, options: ProjectorOptions = {}): Promise<RunningProjector> {
  const projector = await startProjector({ lagIntervalMs: 50, ...options }, platform);
  open.push(projector);
  return projector;
}

/** The views a single clean pass over the streams builds, in Redis database 1. */
async function referenceViews(): Promise<Record<string, unknown>> {
  const views = await createRedisViewStore({ url: `${redis.url}/1` });
  const platform = await platformWith(views);
  await rebuildProjectorViews(platform);
  return dumpViews(reference);
}

/** Indices of the agents rollout `rolloutId` targets `from`th to `to`th (0-based), e.g. early adopters 2..10; cohorts depend on the rollout id. */
function targetedIndices(rolloutId: string, from: number, to: number): Set<number> {
  const ids = targetedAgentIds(simulateOriginal(rolloutId).events);
  return new Set(ids.slice(from, to).map((id) => Number(id.slice(-12))));
}

describe('projector views over real NATS and Redis', () => {
  it('after a full rollout: original status, phases, agent outcomes, fleet summary and agent detail', async () => {
    const result = simulateOriginal('full');
    await appendRolloutEvents((await platformWith()).events, result.events);
    const platform = await platformWith();
    await appendFleetEvents(platform.events, fleetEventsOf(result, 100));
    const projector = await projectorOn(platform, { httpPort: 0 });
    await projector.caughtUp();

    const detail = (await readRolloutDetail(platform.views, 'full'))!;
    expect(originalStatus(detail.status)).toEqual({
      id: 'full', group: 'production', current_phase: 'full', started_at: new Date(T0).toISOString(), updated_agents: 100, total_agents: 100, status: 'completed',
    });
    expect(detail.phases.map((p) => [p.name, p.state, p.targeted, p.applied, p.failed])).toEqual([
      ['canary', 'passed', 2, 2, 0], ['early-adopters', 'passed', 8, 8, 0], ['majority', 'passed', 40, 40, 0], ['full', 'passed', 50, 50, 0],
    ]);
    expect(detail.transitions.at(-1)).toMatchObject({ type: 'RolloutCompleted', at: T0 + 782_000 });
    expect(await readAgentOutcomes(platform.views, 'full', { state: 'applied', count: 10 })).toMatchObject({ total: 100 });
    expect((await readAgentOutcomes(platform.views, 'full', { offset: 95, count: 10 })).items.map((a) => a.agentId)).toEqual([95, 96, 97, 98, 99].map(agentId));

    const fleet = await readFleetSummary(platform.views);
    expect(fleet).toEqual({
      fleet: { agents: 100, connected: 100, disconnected: 0, health: { healthy: 100, unhealthy: 0, unknown: 0 }, configs: { 'cfg-v2': 100 } },
      groups: { production: 100 },
    });
    expect(await readAgentDetail(platform.views, agentId(7))).toMatchObject({
      gatewayId: 'gw-b', connected: true, healthState: 'healthy', currentConfigHash: 'cfg-v2',
      identifying: { 'service.environment': 'production' }, nonIdentifying: { 'host.name': 'node-7' },
      desired: { configHash: 'cfg-v2', rolloutId: 'full', setBy: 'AgentsTargeted' },
      capabilityNames: expect.arrayContaining(['AcceptsRemoteConfig', 'ReportsRemoteConfig']),
    });
    const events = await readAgentEvents(platform.views, agentId(7));
    expect(events.map((event) => event.n)).toEqual(events.map((_, i) => events.length - i));
    const applied = events.find((event) => event.type === 'remote-config-status');
    expect(applied).toMatchObject({ changes: ['remote-config-status'], remoteConfigStatus: { hash: 'cfg-v2', status: 'APPLIED' }, gatewayId: 'gw-b' });
    // only what the event reports changed: its effective config did not
    expect(applied).not.toHaveProperty('effectiveConfigHash');
    expect(events.at(-1)).toMatchObject({ n: 1, type: 'connected', at: T0 - 1000, transport: 'websocket' });
    expect(await listAgentRollouts(platform.views, agentId(7))).toEqual({ total: 1, items: [{ member: 'full', score: T0 }] });

    const response = await fetch(`${projector.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ready: true,
      streams: [
        { stream: 'ROLLOUT_EVENTS', lag: 0, appliedSequence: result.events.length },
        { stream: 'FLEET_EVENTS', lag: 0 },
      ],
    });
    expect(await (await fetch(`${projector.url}/metrics`)).text()).toContain('roost_projector_lag_events{stream="ROLLOUT_EVENTS"} 0');
  });

  it('after a rolled-back rollout: the failed phase, the reason, failures grouped by message, agents sent back to their own config', async () => {
    const failing = targetedIndices('bad', 2, 4);
    const result = simulateOriginal('bad', { failing: (i) => failing.has(i) });
    const platform = await platformWith();
    const projector = await projectorOn(platform);
    await appendRolloutEvents(platform.events, result.events);
    await appendFleetEvents(platform.events, fleetEventsOf(result, 100));
    await projector.caughtUp();

    const detail = (await readRolloutDetail(platform.views, 'bad'))!;
    expect(detail.status).toMatchObject({
      status: 'rolled_back', currentPhase: 'early-adopters', failedPhase: 1, allowedFailures: 1,
      failureReason: 'phase early-adopters failed: 2 of 10 agents failed (apply_failed 2), 1 allowed at threshold 10%',
    });
    expect(detail.status.failureRatio).toBeCloseTo(0.2);
    expect(detail.failures).toEqual([{ message: "unknown processor 'batchx'", agents: 2 }]);
    const [failed] = [...failing];
    expect(await readAgentDetail(platform.views, agentId(failed!))).toMatchObject({
      desired: { configHash: `cfg-v1-${failed! % 3}`, setBy: 'AgentsReverted' },
      remoteConfigStatus: { status: 'FAILED', errorMessage: "unknown processor 'batchx'" },
    });
    const engine = summarize(result.state!);
    expect(detail.status.counts).toMatchObject({ applied: engine.applied, failed: 2, waiting: 90 });
  });

  it('with redelivered events: every third write loses its reply, the event comes again, nothing counts twice', async () => {
    const redis0 = await createRedisViewStore({ url: redis.url });
    let lostReplies = 0;
    let refusedRepeats = 0;
    let calls = 0;
    const flaky: OwnedViewStore = Object.assign(Object.create(redis0) as OwnedViewStore, {
      applyOnce: async (key: string, sequence: number, writes: Parameters<OwnedViewStore['applyOnce']>[2]) => {
        const wrote = await redis0.applyOnce(key, sequence, writes);
        if (!wrote) refusedRepeats += 1;
        if (wrote && ++calls % 3 === 0) {
          lostReplies += 1;
          throw new PortError('unavailable', 'connection lost before the reply');
        }
        return wrote;
      },
    });
    const platform = await platformWith(flaky);
    // One event per atomic write, so each lost reply is a batch handed over again.
    const projector = await projectorOn(platform, { batchSize: 1 });
    const result = simulateOriginal('redo', { size: 30, failing: (i) => i === 5 });
    await appendRolloutEvents(platform.events, result.events);
    await appendFleetEvents(platform.events, fleetEventsOf(result, 30));
    await projector.caughtUp(60_000);

    expect(lostReplies).toBeGreaterThan(50);
    expect(await dumpViews(admin)).toEqual(await referenceViews());
    // A lost reply is either retried and refused by the checkpoint, or skipped in memory once applied.
    expect(refusedRepeats).toBeLessThanOrEqual(lostReplies);
  });

  it('after a projector restart mid-stream: the second projector takes over where the first stopped', async () => {
    const result = simulateOriginal('restart', { size: 60, failing: (i) => i === 3 });
    const fleet = fleetEventsOf(result, 60);
    const writer = await platformWith();
    const first = await projectorOn(await platformWith(), { batchSize: 1 });
    const appending = appendRolloutEvents(writer.events, result.events).then(() => appendFleetEvents(writer.events, fleet));
    await eventually(async () => (await first.lag())[0]!.appliedSequence >= 60, { timeoutMs: 20_000, what: 'the first projector to apply 60 events' });
    await first.stop();
    const stoppedAt = (await admin.redis.get('roost:projector:checkpoint:ROLLOUT_EVENTS')) ?? '0';
    const second = await projectorOn(await platformWith());
    await appending;
    await second.caughtUp(30_000);

    expect(Number(stoppedAt)).toBeLessThan(result.events.length);
    expect(await dumpViews(admin)).toEqual(await referenceViews());
  });

  it('after a Redis flush mid-rollout: the running projector rebuilds views equal to those before the flush, then goes on', async () => {
    const result = simulateOriginal('flush', { size: 80 });
    const cut = result.events.findIndex((e) => e.type === 'PhaseStarted' && e.phase === 2) + 5;
    const [head, tail] = [result.events.slice(0, cut), result.events.slice(cut)] as [RolloutEvent[], RolloutEvent[]];
    const platform = await platformWith();
    const projector = await projectorOn(platform);
    await appendRolloutEvents(platform.events, head);
    await appendFleetEvents(platform.events, fleetEventsOf(result, 80).slice(0, 200));
    await projector.caughtUp();
    const before = await dumpViews(admin);
    expect((before[rolloutKeys.status('flush')] as Record<string, string>).status).toBe('in_progress');

    await admin.redis.flushall();
    await eventually(async () => JSON.stringify(await dumpViews(admin)) === JSON.stringify(before), { timeoutMs: 15_000, intervalMs: 100, what: 'the views rebuilt as they were' });
    expect(await projector.metrics.registry.metrics()).toMatch(/roost_projector_rebuilds_total\{cause="views_lost"\} 1/);

    await appendRolloutEvents(platform.events, tail);
    await projector.caughtUp();
    expect(await dumpViews(admin)).toEqual(await referenceViews());
    expect(failureGroupsFromHash(await platform.views.hgetall(rolloutKeys.failures('flush')))).toEqual([]);
  });

  it('the rebuild command, with the projector stopped, restores flushed views exactly', async () => {
    const failing = targetedIndices('cli', 0, 1);
    const result = simulateOriginal('cli', { size: 50, failing: (i) => failing.has(i) });
    const platform = await platformWith();
    const projector = await projectorOn(platform);
    await appendRolloutEvents(platform.events, result.events);
    await appendFleetEvents(platform.events, fleetEventsOf(result, 50));
    await projector.caughtUp();
    await projector.stop();
    const before = await dumpViews(admin);

    await admin.redis.flushall();
    const report = await rebuildProjectorViews(platform);
    expect(report.streams).toEqual({
      ROLLOUT_EVENTS: { replayed: result.events.length, applied: result.events.length, durationMs: expect.any(Number) },
      FLEET_EVENTS: { replayed: fleetEventsOf(result, 50).length, applied: fleetEventsOf(result, 50).length, durationMs: expect.any(Number) },
    });
    expect(await dumpViews(admin)).toEqual(before);
  });
});
