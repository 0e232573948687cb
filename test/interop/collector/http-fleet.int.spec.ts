/**
 * Real OpenTelemetry Collectors under the real opampsupervisor v0.149.0, connected to Roost over
 * plain HTTP (the supervisor polls at the heartbeat interval Roost offers: 1 s here). A good
 * rollout and a bad one, checked on the collectors themselves.
 *
 * Needs Go (to build the binaries, once per cache key), like the rest of the suite: without it the
 * build fails and says what to install; the suite is never skipped.
 */
import { eventually } from '@roost/testing';
import { collectorBinaries, startRoostUnderTest, startSupervisedFleet, type Json, type RoostUnderTest, type SupervisedFleet } from './index';
import { BAD_CONFIGS, otlpConfig } from './collector-configs';
import { expectEnded, port, rollOut, snapshot, tcpAnswers, untouchedSince, waitConnected, waitServingOn } from './fleet-checks';


const GROUP = 'supervised-http';
const CONFIG = 'http-collectors';

describe('real collectors under the opampsupervisor, over plain HTTP', () => {
  let roost: RoostUnderTest;
  let fleet: SupervisedFleet;

  beforeAll(async () => {
    await collectorBinaries();
    roost = await startRoostUnderTest({ heartbeatIntervalSeconds: 1 });
    fleet = await startSupervisedFleet({ roost, transport: 'http', count: 2, group: GROUP, portNames: ['PORT_A', 'PORT_B'] });
    await waitConnected(roost, fleet, GROUP);
    const first = await roost.api.createConfig(CONFIG, otlpConfig('PORT_A', 'first'));
    const rollout = await rollOut(roost, GROUP, String(first['hash']), { acceptKeepNewOnFailure: true });
    await expectEnded(roost, rollout, 'completed');
    await waitServingOn(fleet.collectors, 'PORT_A');
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
    await roost?.stop();
  }, 60_000);

  it('rolls a good config out: both collectors restart on it and serve the new port only', async () => {
    const next = await roost.api.createConfig(CONFIG, otlpConfig('PORT_B', 'second'));
    const rollout = await rollOut(roost, GROUP, String(next['hash']));
    await expectEnded(roost, rollout, 'completed');
    await waitServingOn(fleet.collectors, 'PORT_B');
    for (const c of fleet.collectors) {
      expect(await tcpAnswers(port(c, 'PORT_A'))).toBe(false);
      expect(c.writtenConfigText()).toContain('batch/second');
      expect((await roost.api.agent(c.instanceUid))['transport']).toBe('http');
    }
  }, 90_000);

  it('catches a config with an unknown key at the canary and rolls it back; the other collector never sees it', async () => {
    const before = new Map(fleet.collectors.map((c) => [c.instanceUid, snapshot(c)]));
    const serving = await roost.api.createConfig(CONFIG, otlpConfig('PORT_B', 'second')); // the latest version again: its hash
    const bad = await roost.api.createConfig(CONFIG, BAD_CONFIGS['an unknown key']('PORT_B'));
    const rollout = await rollOut(roost, GROUP, String(bad['hash']));
    await expectEnded(roost, rollout, 'rolled_back');
    const outcomes = await roost.api.rolloutAgents(String(rollout['rolloutId']));
    const canaryId = String(outcomes.find((a: Json) => a['phase'] === 0)?.['agentId']);
    const canary = fleet.byUid(canaryId);
    const other = fleet.collectors.find((c) => c !== canary)!;
    expect(untouchedSince(other, before.get(other.instanceUid)!)).toBe(true);
    await waitServingOn([canary], 'PORT_B');
    expect(canary.writtenConfigText()).toBe(before.get(canaryId)?.writtenConfig);
    await eventually(
      async () => {
        const status = (await roost.api.agent(canaryId))['remoteConfigStatus'];
        return status?.['hash'] === serving['hash'] && status?.['status'] === 'APPLIED';
      },
      { timeoutMs: 15_000, what: 'the canary to report its previous config APPLIED' },
    );
  }, 90_000);

  it('shows a stopped collector disconnected after three missed polls at the interval it was offered (1 s), not the default 30 s', async () => {
    const gone = fleet.collectors[1]!;
    expect((await roost.api.agent(gone.instanceUid))['connected']).toBe(true);
    expect(await gone.stop()).toMatchObject({ clean: true });
    // opamp-go's HTTP client says nothing when it stops: only the missed polls tell
    await eventually(async () => (await roost.api.agent(gone.instanceUid))['connected'] === false, {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'the stopped HTTP collector to show disconnected (the default would take 90 s)',
    });
    expect((await roost.api.agent(fleet.collectors[0]!.instanceUid))['connected']).toBe(true);
  }, 60_000);

  it('stops on SIGINT: the supervisors exit 0 and take their collectors with them', async () => {
    for (const result of await fleet.stop()) expect(result).toMatchObject({ clean: true, collectorLeftRunning: false });
    for (const c of fleet.collectors) expect(await tcpAnswers(port(c, 'PORT_B'))).toBe(false);
  }, 60_000);
});
