import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { recordingLogger } from '@roost/testing';
import { summarize } from '@roost/rollout';
import { readAgentOutcomes, readFleetSummary, readRolloutDetail, rolloutKeys } from '@roost/views';
import { startProjector, type RunningProjector } from './start-projector';
import { appendRolloutEvents, simulateProduction } from './testing/rollout-streams';

let platform: Platform;
let projector: RunningProjector | undefined;
beforeEach(() => (platform = createMemoryPlatform({ redeliveryDelayMs: 5 })));
afterEach(async () => {
  await projector?.stop();
  projector = undefined;
  await platform.close();
});

describe('the projector on the in-memory platform', () => {
  it('projects events appended before and after it started, counting like the rollout engine', async () => {
    const before = simulateProduction('r1', { size: 40 });
    const after = simulateProduction('r2', { size: 30, failing: (i) => i % 2 === 0 });
    await appendRolloutEvents(platform.events, before.events);
    projector = await startProjector({ lagIntervalMs: 20 }, platform);
    await appendRolloutEvents(platform.events, after.events);
    await projector.caughtUp();

    for (const result of [before, after]) {
      const engine = summarize(result.state!);
      const detail = await readRolloutDetail(platform.views, engine.rolloutId);
      expect(detail?.status).toMatchObject({ status: engine.status, members: engine.members, targeted: engine.targeted });
      expect(detail?.status.counts).toMatchObject({ applied: engine.applied, failed: engine.failed, pending: engine.pending });
    }
    expect((await readRolloutDetail(platform.views, 'r2'))?.status.status).toBe('rolled_back');
    expect(await readAgentOutcomes(platform.views, 'r2', { state: 'failed', count: 1 })).toMatchObject({ total: summarize(after.state!).failed, items: [{ error: 'unknown processor x' }] });
    expect(await projector.lag()).toEqual([
      expect.objectContaining({ stream: 'ROLLOUT_EVENTS', lag: 0 }),
      expect.objectContaining({ stream: 'FLEET_EVENTS', lag: 0, appliedSequence: 0 }),
    ]);
    expect((await readFleetSummary(platform.views)).fleet.agents).toBe(0);
  });

  it('is ready with no lag, and exposes the lag and applied events as metrics', async () => {
    await appendRolloutEvents(platform.events, simulateProduction('r1', { size: 5 }).events);
    projector = await startProjector({ lagIntervalMs: 20 }, platform);
    await projector.caughtUp();
    const readiness = await projector.readiness();
    expect(readiness).toMatchObject({ ready: true, reasons: [], rebuilding: false });
    const metrics = await projector.metrics.registry.metrics();
    expect(metrics).toMatch(/roost_projector_lag_events\{stream="ROLLOUT_EVENTS"\} 0/);
    expect(metrics).toMatch(/roost_projector_events_applied_total\{stream="ROLLOUT_EVENTS"\} [1-9]/);
  });

  it('rebuilds on command into the same views', async () => {
    await appendRolloutEvents(platform.events, simulateProduction('r1', { size: 20, failing: (i) => i === 0 }).events);
    projector = await startProjector({}, platform);
    await projector.caughtUp();
    const snapshot = async () => ({
      detail: await readRolloutDetail(platform.views, 'r1'),
      agents: await platform.views.hgetall(rolloutKeys.agents('r1')),
    });
    const before = await snapshot();
    const report = await projector.rebuild();
    expect(report.streams.ROLLOUT_EVENTS).toEqual({ replayed: expect.any(Number), applied: expect.any(Number), durationMs: expect.any(Number) });
    expect(report.deletedKeys).toBeGreaterThan(5);
    expect(await snapshot()).toEqual(before);
  });

  it('skips a message it cannot read, counts it, and goes on', async () => {
    await platform.events.append('rollout.events.bad', new TextEncoder().encode('{"type":"RolloutPaused","schemaVersion":1}'));
    await appendRolloutEvents(platform.events, simulateProduction('r1', { size: 3 }).events);
    projector = await startProjector({}, platform);
    await projector.caughtUp();
    expect((await readRolloutDetail(platform.views, 'r1'))?.status.status).toBe('completed');
    expect(await projector.metrics.registry.metrics()).toMatch(/roost_projector_events_skipped_total\{stream="ROLLOUT_EVENTS",reason="views.undecodable_event"\} 1/);
  });

  it('skips events of a newer Roost (a new type, a newer schema): every one counted, each type logged once', async () => {
    const encode = (event: object): Uint8Array => new TextEncoder().encode(JSON.stringify(event));
    const newer = [1, 2, 3].map((n) => encode({ type: 'RolloutTeleported', schemaVersion: 1, id: `x/${n}`, rolloutId: 'x', at: n }));
    newer.push(encode({ type: 'RolloutPaused', schemaVersion: 2, id: 'x/4', rolloutId: 'x', at: 4, cause: 'operator', reason: null }));
    for (const data of newer) await platform.events.append('rollout.events.x', data);
    await appendRolloutEvents(platform.events, simulateProduction('r1', { size: 3 }).events);
    const logger = recordingLogger();
    projector = await startProjector({ logger }, platform);
    await projector.caughtUp();
    expect((await readRolloutDetail(platform.views, 'r1'))?.status.status).toBe('completed');
    const metrics = await projector.metrics.registry.metrics();
    expect(metrics).toMatch(/roost_projector_events_skipped_total\{stream="ROLLOUT_EVENTS",reason="views.unknown_event_type"\} 3/);
    expect(metrics).toMatch(/roost_projector_events_skipped_total\{stream="ROLLOUT_EVENTS",reason="views.unsupported_schema"\} 1/);
    const skipped = logger.entries.filter((entry) => entry.message.startsWith('skipping events of a newer Roost'));
    expect(skipped.map((entry) => [entry.level, entry.fields.code])).toEqual([
      ['warn', 'views.unknown_event_type'],
      ['warn', 'views.unsupported_schema'],
    ]);
  });
});
