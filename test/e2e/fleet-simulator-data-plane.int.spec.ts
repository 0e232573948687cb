/**
 * Data-plane gates on a simulated fleet (issue 21): simulated collectors report
 * ReportsOwnMetrics, are offered own_metrics by the gateway and send their own metrics over
 * OTLP/HTTP as a v0.149.0 collector does. Under a config with the marker, the `drops` agents stay
 * healthy and report it APPLIED, but their exporter fails every batch: the data-plane gate rolls
 * that config back, and passes a good one.
 */
import { startFleet, DEFAULT_MARKER, type RunningFleet } from '@roost/fleet-simulator';
import { eventually } from '@roost/testing';
import { startRoostUnderTest, type Json, type RoostUnderTest } from '../interop/collector/roost-under-test';

const GROUP = 'sim-data-plane';
const GATE = 'exporter.failed_ratio <= control+0.01';
const AGENTS = 6;
/** Two canaries for 2.5 s, then everyone; each agent exports its own metrics every 200 ms. */
const PLAN = [{ name: 'canary', count: 2, windowMs: 2_500 }, { name: 'everyone', percent: 100 }];
const DATA_PLANE = { gates: [GATE], minSamplesPerAgent: 3 };

const config = (exporterEndpoint: string, marked: boolean): string =>
  [...(marked ? [DEFAULT_MARKER] : []), 'receivers:', '  otlp:', '    protocols:', '      grpc: {}', 'exporters:', '  otlphttp:', `    endpoint: ${exporterEndpoint}`, 'service:', '  pipelines:', '    traces:', '      receivers: [otlp]', '      exporters: [otlphttp]', ''].join('\n');

describe('data-plane gates on a simulated fleet', () => {
  let roost: RoostUnderTest;
  let fleet: RunningFleet;

  beforeAll(async () => {
    roost = await startRoostUnderTest({ ownMetrics: true });
    fleet = await startFleet({ urls: [roost.wsUrl], agents: AGENTS, environments: GROUP, behaviours: 'drops:100', applyDelayMs: { min: 20, max: 60 }, ownMetricsIntervalMs: 200, seed: 'data-plane' });
    await fleet.waitUntilConnected(AGENTS, 15_000);
    await eventually(async () => (await roost.api.group(GROUP))['connected'] === AGENTS, { timeoutMs: 15_000, what: `${AGENTS} agents of ${GROUP} in the views` });
    await eventually(() => fleet.stats().totals.ownMetricsSent >= AGENTS * 3, { timeoutMs: 10_000, what: 'every agent sending its own metrics where offered' });
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    await roost?.stop();
  });

  async function rollOut(yaml: string, extra: Json = {}): Promise<Json> {
    const created = await roost.api.createConfig('sim-edge', yaml);
    const started = await roost.api.startRollout({ target: { group: GROUP }, configVersion: created['hash'], plan: PLAN, dataPlane: DATA_PLANE, ...extra });
    return roost.api.rolloutEnded(String(started['rolloutId']), 30_000);
  }

  it('passes a good config on the figures the simulated collectors sent', async () => {
    // They ran only their local config before: keep the new one should it fail.
    const rollout = await rollOut(config('https://backend.example:4318', false), { acceptKeepNewOnFailure: true });

    expect(rollout['status']).toBe('completed');
    const judgement = rollout['phases'][0]['gate']['dataPlane'] as Json;
    expect(judgement['gates'][0]).toMatchObject({ gate: GATE, outcome: 'pass', canary: 0, control: 0, threshold: 0.01 });
    expect(judgement['canary']).toMatchObject({ agents: 2, reporting: 2, withoutOwnMetrics: 0 });
    expect(judgement['control']).toMatchObject({ agents: AGENTS - 2, reporting: AGENTS - 2 });
  }, 40_000);

  it('rolls back a config under which the agents stay healthy and applied but fail every batch', async () => {
    const rollout = await rollOut(config('https://moved.example:4318', true));

    expect(rollout['status']).toBe('rolled_back');
    const judgement = rollout['phases'][0]['gate']['dataPlane'] as Json;
    expect(judgement['gates'][0]).toMatchObject({ gate: GATE, outcome: 'fail', canary: 1, control: 0, threshold: 0.01 });
    expect(rollout['failureReason']).toBe(`phase canary failed its data-plane gate: ${GATE}: canary 1 is not <= 0.01 (control 0)`);
    expect(rollout['failures']).toEqual([{ message: `data-plane gate failed: ${GATE}`, agents: 2 }]);
    const canaries = (await roost.api.rolloutAgents(String(rollout['rolloutId']))).filter((agent) => agent['phase'] === 0);
    for (const canary of canaries) {
      expect(canary).toMatchObject({ appliedAt: expect.any(Number), health: { healthy: true }, failure: { reason: 'data_plane' } });
    }
  }, 40_000);

  it('says what a phase waits for while the canaries have too few samples, then judges it', async () => {
    const created = await roost.api.createConfig('sim-edge', config('https://backend-2.example:4318', false));
    // 12 samples at one per 200 ms: the canaries need about 2.4 s after their apply, the window is 0.5 s
    const started = await roost.api.startRollout({ target: { group: GROUP }, configVersion: created['hash'], plan: [{ name: 'canary', count: 2, windowMs: 500 }, { percent: 100 }], dataPlane: { gates: [GATE], minSamplesPerAgent: 12 } });
    const rolloutId = String(started['rolloutId']);
    const waiting = await eventually(
      async () => {
        const judgement = (await roost.api.rollout(rolloutId))['phases'][0]['gate']?.['dataPlane'] as Json | undefined;
        return judgement?.['waiting'] === undefined ? undefined : judgement;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the phase to say what its data-plane gates wait for' },
    );
    expect(waiting['waiting']).toMatch(/^waiting for data-plane figures: [01] of 2 canary agents reporting their own metrics have 12 samples in the window, 1 needed$/);
    expect(waiting['gates']).toEqual([{ gate: GATE, metric: 'exporter.failed_ratio', canary: null, control: null, threshold: null, outcome: 'waiting' }]);
    expect((await roost.api.rollout(rolloutId))['phases'][0]['state']).toBe('running');

    const ended = await roost.api.rolloutEnded(rolloutId, 30_000);
    expect(ended['status']).toBe('completed');
    const judged = ended['phases'][0]['gate']['dataPlane'] as Json;
    expect(judged['waiting']).toBeUndefined();
    expect(judged['gates'][0]).toMatchObject({ outcome: 'pass', canary: 0, control: 0 });
    expect((ended['transitions'] as Json[]).map((t) => t['type'])).toContain('PhaseWaitingForData');
  }, 40_000);
});
