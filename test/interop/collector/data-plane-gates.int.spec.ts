/**
 * Data-plane gates against real collectors (issue 21): three OpenTelemetry Collectors v0.149.0
 * under the real opampsupervisor, reporting their own metrics to Roost (the gateway offers
 * own_metrics; the supervisor points the collector's service.telemetry at POST /v1/metrics).
 * Each collector takes a trickle of traces and exports them with `otlphttp` to a local backend.
 *
 * - A config whose exporter points at an endpoint answering 503: the canary stays healthy and
 *   reports APPLIED, and the data-plane gate rolls it back on what it really did with the data.
 * - A good config passes.
 * - A backend outage (every agent's endpoint answers 503, old config and new alike) passes: the
 *   control cohort fails as much as the canary, and the judgement says so.
 *
 * The figures the gate compared and the send_failed rates the collectors reported are written to
 * the test output.
 *
 * The same collectors report their own logs (own_logs, offered with own_metrics): a config whose
 * receiver cannot bind its port fails the canary under the collector's own error record; a config
 * the collector cannot unmarshal fails before its telemetry starts, so no record arrives and the
 * failure says where the error is.
 */
import { subjects, telemetrySampleContract, type TelemetrySample } from '@roost/contracts';
import { eventually } from '@roost/testing';
import { NO_COLLECTOR_LOG } from '@roost/rollout';
import { BAD_CONFIGS, exportingConfig } from './collector-configs';
import { SUPERVISED_TIMING, expectEnded, port, waitConnected } from './fleet-checks';
import { collectorBinaries, startRoostUnderTest, startSupervisedFleet, type Json, type RoostUnderTest, type SupervisedFleet } from './index';
import { sendTraces, startOtlpBackend, type OtlpBackend } from './otlp-backend';

const GROUP = 'data-plane';
const CONFIG = 'data-plane-collectors';
const PORT = 'PORT_A';
/** The collectors export their own metrics every second (the supervisor's default reader: every 60 s). */
const EXPORT_INTERVAL_MS = 1_000;
const GATE = 'exporter.failed_ratio <= control+0.01';
const DATA_PLANE = { gates: [GATE], minSamplesPerAgent: 3 };
/** One canary for 8 s, then everyone. */
const PLAN = [{ name: 'canary', count: 1, windowMs: 8_000 }, { name: 'everyone', percent: 100 }];

describe('data-plane gates on real collectors', () => {
  let roost: RoostUnderTest;
  let fleet: SupervisedFleet;
  let good: OtlpBackend;
  let refusing: OtlpBackend;
  let traffic: { stop(): void } | undefined;
  const samples = new Map<string, TelemetrySample[]>();

  beforeAll(async () => {
    await collectorBinaries();
    [good, refusing] = await Promise.all([startOtlpBackend('accept'), startOtlpBackend('refuse')]);
    roost = await startRoostUnderTest({ ownMetrics: true });
    roost.platform.bus.subscribe(subjects.telemetryAll, (message) => {
      const sample = telemetrySampleContract.decode(message.data);
      samples.set(sample.agentId, [...(samples.get(sample.agentId) ?? []), sample]);
    });
    fleet = await startSupervisedFleet({ roost, transport: 'websocket', count: 3, group: GROUP, portNames: [PORT], ownMetricsIntervalMs: EXPORT_INTERVAL_MS });
    await waitConnected(roost, fleet, GROUP);
    traffic = sendTraces(() => fleet.collectors.map((c) => port(c, PORT)));
    // The first config comes through a rollout too (they had none: they keep it if it fails).
    const first = await rollOut(exportingConfig(PORT, 'first', good.url), { acceptKeepNewOnFailure: true, plan: [{ percent: 100 }], dataPlane: undefined });
    await expectEnded(roost, first, 'completed');
    // Every collector exports data, and its own metrics show it.
    await eventually(() => fleet.instanceUids.every((uid) => (samples.get(uid) ?? []).some((s) => s.exporterSent > 0)), {
      timeoutMs: 30_000,
      what: `every collector to report exported spans in its own metrics\n${fleet.collectors[0]?.logTail(20)}`,
    });
  }, 180_000);

  afterAll(async () => {
    traffic?.stop();
    await fleet?.stop();
    await roost?.stop();
    await Promise.all([good?.close(), refusing?.close()]);
  }, 60_000);

  async function rollOut(yaml: string, extra: Json = {}): Promise<Json> {
    const config = await roost.api.createConfig(CONFIG, yaml);
    const started = await roost.api.startRollout({ target: { group: GROUP }, configVersion: config['hash'], plan: PLAN, timing: SUPERVISED_TIMING, dataPlane: DATA_PLANE, ...extra });
    return roost.api.rolloutEnded(String(started['rolloutId']), 90_000);
  }

  /** Each agent's send_failed and sent rates (spans/s) from its own samples between two times. */
  function rates(agentIds: readonly string[], from: number, to: number): { agentId: string; sentPerSecond: number; failedPerSecond: number; samples: number }[] {
    return agentIds.map((agentId) => {
      const inWindow = (samples.get(agentId) ?? []).filter((s) => s.at >= from && s.at <= to);
      const first = inWindow[0];
      const last = inWindow[inWindow.length - 1];
      if (first === undefined || last === undefined || last.at === first.at || last.processStart !== first.processStart) {
        return { agentId, sentPerSecond: NaN, failedPerSecond: NaN, samples: inWindow.length };
      }
      const seconds = (last.at - first.at) / 1000;
      return { agentId, sentPerSecond: round((last.exporterSent - first.exporterSent) / seconds), failedPerSecond: round((last.exporterFailed - first.exporterFailed) / seconds), samples: inWindow.length };
    });
  }

  /** Writes what the gate saw and what the collectors reported to the test output. */
  async function record(name: string, rollout: Json): Promise<Json> {
    const detail = await roost.api.rollout(String(rollout['rolloutId']));
    const phase = (detail['phases'] as Json[])[0] as Json;
    const judgement = phase['gate']?.['dataPlane'] as Json;
    const outcomes = await roost.api.rolloutAgents(String(rollout['rolloutId']));
    const canaries = outcomes.filter((a) => a['phase'] === 0).map((a) => String(a['agentId']));
    const control = fleet.instanceUids.filter((uid) => !canaries.includes(uid));
    const from = Number(phase['startedAt']);
    const to = Number(phase['endedAt']);
    const canaryFrom = Math.max(from, ...outcomes.filter((a) => a['phase'] === 0).map((a) => Number(a['appliedAt'] ?? from)));
    const report = {
      drill: name,
      status: detail['status'],
      gate: judgement?.['gates']?.[0],
      notes: judgement?.['notes'],
      canary: { ...judgement?.['canary'], collectors: rates(canaries, canaryFrom, to) },
      control: { ...judgement?.['control'], collectors: rates(control, from, to) },
      backendRequests: { good: { ...good.requests }, refusing: { ...refusing.requests } },
    };
    process.stdout.write(`data-plane drill: ${JSON.stringify(report)}\n`);
    return judgement;
  }

  it('rolls back a canary whose exporter endpoint answers 503, though it applied the config and stayed healthy', async () => {
    const rollout = await rollOut(exportingConfig(PORT, 'refused', refusing.url));

    await expectEnded(roost, rollout, 'rolled_back');
    const judgement = await record('exporter endpoint answers 503', rollout);
    expect(judgement['gates'][0]).toMatchObject({ gate: GATE, outcome: 'fail', canary: 1, control: 0, threshold: 0.01 });
    expect(judgement['canary']).toMatchObject({ agents: 1, reporting: 1, withoutOwnMetrics: 0 });
    expect(judgement['control']).toMatchObject({ agents: 2, reporting: 2 });
    const canary = (await roost.api.rolloutAgents(String(rollout['rolloutId']))).find((a) => a['phase'] === 0);
    // healthy and applied: only what it did with the data failed it
    expect(canary?.['appliedAt']).toEqual(expect.any(Number));
    expect(canary?.['failure']).toMatchObject({ reason: 'data_plane', detail: `data-plane gate failed: ${GATE}` });
    // as the rollout recorded it when the gate judged (its revert restarts the collector since)
    expect(canary?.['health']).toMatchObject({ healthy: true });
    expect(refusing.requests.refused).toBeGreaterThan(0);
    const detail = await roost.api.rollout(String(rollout['rolloutId']));
    expect(detail['failureReason']).toBe('phase canary failed its data-plane gate: exporter.failed_ratio <= control+0.01: canary 1 is not <= 0.01 (control 0)');
  }, 150_000);

  it('passes a good config: canary and control export alike', async () => {
    const rollout = await rollOut(exportingConfig(PORT, 'second', good.url));

    await expectEnded(roost, rollout, 'completed');
    const judgement = await record('good config', rollout);
    expect(judgement['gates'][0]).toMatchObject({ outcome: 'pass', canary: 0, control: 0 });
  }, 150_000);

  /** A config the collector refuses at start, rolled out to one canary (no data-plane gate); the canary's outcome. */
  async function crashAtCanary(name: string, yaml: string): Promise<{ canary: Json; failures: Json[] }> {
    const rollout = await rollOut(yaml, { dataPlane: undefined, plan: [{ count: 1, windowMs: 2_000 }, { percent: 100 }] });
    await expectEnded(roost, rollout, 'rolled_back');
    const canary = (await roost.api.rolloutAgents(String(rollout['rolloutId']))).find((a) => a['phase'] === 0) as Json;
    const failures = (await roost.api.rollout(String(rollout['rolloutId'])))['failures'] as Json[];
    process.stdout.write(`own-logs drill: ${JSON.stringify({ drill: name, failure: canary['failure'], failures })}\n`);
    return { canary, failures };
  }

  it("names a canary's crash by the collector's own error record when it reaches its own logs: a port it cannot bind", async () => {
    const { canary, failures } = await crashAtCanary('bind error', BAD_CONFIGS['an invalid endpoint'](PORT));
    const own = 'receiver otlp: Failed to start component: listen tcp: address 99999: invalid port';
    expect(canary['failure']).toMatchObject({ reason: 'apply_failed', detail: own, details: expect.arrayContaining(['Agent exited unexpectedly with exit code 1 while applying configuration']) });
    expect(failures).toEqual([expect.objectContaining({ message: own, agents: 1 })]);
  }, 150_000);

  it('says where the error is when the collector fails before its own telemetry starts: a config it cannot unmarshal', async () => {
    const { canary, failures } = await crashAtCanary('unmarshal error', BAD_CONFIGS['an unknown key'](PORT));
    const crash = 'Agent exited unexpectedly with exit code 1 while applying configuration';
    expect(canary['failure']).toMatchObject({ reason: 'apply_failed', detail: crash });
    expect(canary['failure']['details']).toContain(NO_COLLECTOR_LOG);
    expect(failures).toEqual([expect.objectContaining({ message: crash, agents: 1 })]);
    // the error is where the failure says: the collector's stderr, in the supervisor's log (passthrough_logs)
    const crashed = fleet.byUid(String(canary['agentId']));
    expect(crashed.logTail(400)).toContain("'otlpreceiver.HTTPConfig' has invalid keys: no_such_setting");
  }, 150_000);

  it('passes a config during a backend outage: every agent fails alike, and the judgement says the cause is shared', async () => {
    good.mode = 'refuse';
    // The control's window must see the outage only: let a few exports go by first.
    await new Promise((resolve) => setTimeout(resolve, 3 * EXPORT_INTERVAL_MS));
    const rollout = await rollOut(exportingConfig(PORT, 'third', good.url));

    await expectEnded(roost, rollout, 'completed');
    const judgement = await record('backend outage (every endpoint answers 503)', rollout);
    expect(judgement['gates'][0]).toMatchObject({ outcome: 'pass', canary: 1, control: 1 });
    expect(judgement['gates'][0]['note']).toMatch(/control is as bad/);
  }, 150_000);
});

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
