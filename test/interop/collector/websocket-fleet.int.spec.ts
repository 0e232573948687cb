/**
 * Real OpenTelemetry Collectors (ocb build of core + contrib v0.149.0, manifest.yaml) under the
 * real opampsupervisor v0.149.0, connected to Roost over WebSocket. Every check looks at the
 * collectors themselves too: which port takes OTLP, the config the supervisor wrote, whether the
 * collector process was restarted.
 *
 * Needs Go (to build the binaries, once per cache key), like the rest of the suite: without it the
 * build fails and says what to install; the suite is never skipped.
 */
import { eventually } from '@roost/testing';
import {
  collectorBinaries,
  holdPort,
  startRoostUnderTest,
  startSupervisedFleet,
  type Json,
  type RoostUnderTest,
  type SupervisedFleet,
} from './index';
import { BAD_CONFIGS, otlpConfig, type BadConfigKind } from './collector-configs';
import { CANARY_PLAN, SUPERVISED_TIMING, expectEnded, port, rollOut, snapshot, tcpAnswers, untouchedSince, waitConnected, waitServingOn } from './fleet-checks';


const GROUP = 'supervised-ws';
const CONFIG = 'ws-collectors';
const PORTS = ['PORT_A', 'PORT_B', 'PORT_TAKEN'];

describe('real collectors under the opampsupervisor, over WebSocket', () => {
  let roost: RoostUnderTest;
  let fleet: SupervisedFleet;
  const held: { close(): Promise<void> }[] = [];
  let servingHash = '';

  beforeAll(async () => {
    await collectorBinaries();
    roost = await startRoostUnderTest();
    fleet = await startSupervisedFleet({ roost, transport: 'websocket', count: 3, group: GROUP, portNames: PORTS });
    for (const c of fleet.collectors) held.push(await holdPort(port(c, 'PORT_TAKEN')));
    await waitConnected(roost, fleet, GROUP);
    // The first config reaches the collectors through a rollout too (they had none: keep it if it fails).
    const first = await roost.api.createConfig(CONFIG, otlpConfig('PORT_A', 'first'));
    const rollout = await rollOut(roost, GROUP, String(first['hash']), { acceptKeepNewOnFailure: true });
    await expectEnded(roost, rollout, 'completed');
    await waitServingOn(fleet.collectors, 'PORT_A');
    servingHash = String(first['hash']);
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
    await Promise.all(held.map((h) => h.close()));
    await roost?.stop();
  }, 60_000);

  it('rolls a good config out canary first: every collector restarts on it, serves the new port and no longer the old one', async () => {
    const before = fleet.collectors.map(snapshot);
    const next = await roost.api.createConfig(CONFIG, otlpConfig('PORT_B', 'second'));
    const rollout = await rollOut(roost, GROUP, String(next['hash']));

    await expectEnded(roost, rollout, 'completed');
    servingHash = String(next['hash']);
    expect((rollout['counts'] as { applied: number }).applied).toBe(3);
    await waitServingOn(fleet.collectors, 'PORT_B');
    for (const [i, c] of fleet.collectors.entries()) {
      expect(await tcpAnswers(port(c, 'PORT_A'))).toBe(false);
      expect(c.writtenConfigText()).toContain('${env:PORT_B}');
      expect(c.writtenConfigText()).toContain('batch/second');
      expect(c.collectorProcess()?.pid).not.toBe(before[i]?.process?.pid);
      const agent = await roost.api.agent(c.instanceUid);
      expect(agent['remoteConfigStatus']).toMatchObject({ status: 'APPLIED', hash: next['hash'] });
    }
    // what a collector runs, against what Roost sent: the supervisor adds its own opamp extension
    const [first] = fleet.collectors;
    if (first === undefined) throw new Error('no collector');
    const shown = await roost.api.request('GET', `/agents/${first.instanceUid}/effective-config`);
    expect(shown['against']).toMatchObject({ hash: next['hash'], ref: `${CONFIG}@${next['version']}`, source: 'reported', stored: true });
    expect(shown['yaml']).toContain('batch/second');
    expect(shown['diff']['components']['added']).toEqual(expect.arrayContaining(['extensions/opamp', 'service/extensions']));
    expect(shown['diff']['components']['removed']).toEqual([]);
    expect(shown['diff']['unified']).toContain(`endpoint: 127.0.0.1:${port(first, 'PORT_B')}`);
    // converged as Roost counts it: one config, though each supervisor's effective config differs
    const effective = await Promise.all(fleet.collectors.map(async (c) => (await roost.api.agent(c.instanceUid))['effectiveConfigHash']));
    expect(new Set(effective).size).toBe(3);
    const converged = { [String(next['hash'])]: 3 };
    await eventually(async () => JSON.stringify((await roost.api.group(GROUP))['configs']) === JSON.stringify(converged), { what: `group configs ${JSON.stringify(converged)}` });
  }, 90_000);

  it.each(Object.keys(BAD_CONFIGS) as BadConfigKind[])(
    'catches a config with %s at the canary and rolls it back; the other collectors never see it',
    async (kind) => {
      const before = new Map(fleet.collectors.map((c) => [c.instanceUid, snapshot(c)]));
      const bad = await roost.api.createConfig(CONFIG, BAD_CONFIGS[kind]('PORT_B', 'PORT_TAKEN'));
      const rollout = await rollOut(roost, GROUP, String(bad['hash']));

      await expectEnded(roost, rollout, 'rolled_back');
      const outcomes = await roost.api.rolloutAgents(String(rollout['rolloutId']));
      const canaries = outcomes.filter((a: Json) => a['phase'] === 0);
      expect(canaries).toHaveLength(CANARY_PLAN[0]?.count ?? 1);
      expect(canaries.map((a: Json) => a['failure']?.['reason'])).toEqual(['apply_failed']);
      // every error the supervisor reported, grouped under its remote config status message (its health error carries the pid)
      const crash = 'Agent exited unexpectedly with exit code 1 while applying configuration';
      expect(canaries[0]?.['failure']).toMatchObject({ detail: crash, details: expect.arrayContaining([crash]) });
      expect(canaries[0]?.['failure']?.['details'][0]).toBe(crash);
      const canary = fleet.byUid(String(canaries[0]?.['agentId']));

      // every other collector: never targeted, same process, same written config, still serving
      const others = fleet.collectors.filter((c) => c !== canary);
      for (const c of others) {
        expect(outcomes.find((a: Json) => a['agentId'] === c.instanceUid)?.['phase']).toBeNull();
        expect(untouchedSince(c, before.get(c.instanceUid)!)).toBe(true);
        expect(c.writtenConfigText()).not.toContain('batch/bad');
      }
      await waitServingOn(others, 'PORT_B', 5_000);

      // the canary: back on its previous config, serving again, and Roost shows it so
      await waitServingOn([canary], 'PORT_B');
      expect(canary.writtenConfigText()).toBe(before.get(canary.instanceUid)?.writtenConfig);
      await eventually(
        async () => {
          const status = (await roost.api.agent(canary.instanceUid))['remoteConfigStatus'];
          return status?.['hash'] === servingHash && status?.['status'] === 'APPLIED';
        },
        { timeoutMs: 15_000, what: 'the canary to report its previous config APPLIED' },
      );
    },
    90_000,
  );

  it("re-offers a config the canary once reported FAILED when an operator rolls it out again after the cause is gone (issue 14, defect A)", async () => {
    const taken = await roost.api.createConfig(CONFIG, BAD_CONFIGS['a port already taken']('PORT_B', 'PORT_TAKEN'));
    const failed = await rollOut(roost, GROUP, String(taken['hash']));
    await expectEnded(roost, failed, 'rolled_back');
    const canaryId = String((await roost.api.rolloutAgents(String(failed['rolloutId']))).find((a: Json) => a['phase'] === 0)?.['agentId']);
    await waitServingOn([fleet.byUid(canaryId)], 'PORT_B');

    // The cause goes away (the port is freed); the operator's new rollout is the explicit retry.
    await Promise.all(held.splice(0).map((h) => h.close()));
    const retried = await rollOut(roost, GROUP, String(taken['hash']));

    await expectEnded(roost, retried, 'completed');
    const outcomes = await roost.api.rolloutAgents(String(retried['rolloutId']));
    expect(outcomes.find((a: Json) => a['agentId'] === canaryId)).toMatchObject({ state: 'applied', configHash: taken['hash'] });
    expect((retried['counts'] as { applied: number }).applied).toBe(3);
    await waitServingOn(fleet.collectors, 'PORT_TAKEN');
    servingHash = String(taken['hash']);
  }, 120_000);

  it("fails the canary whose supervisor stops mid-rollout once the disconnect grace is over, and rolls back", async () => {
    const before = new Map(fleet.collectors.map((c) => [c.instanceUid, snapshot(c)]));
    const next = await roost.api.createConfig(CONFIG, otlpConfig('PORT_A', 'third'));
    const started = await roost.api.startRollout({
      target: { group: GROUP },
      configVersion: next['hash'],
      plan: [{ count: 1, windowMs: 10_000 }, { percent: 100 }],
      timing: SUPERVISED_TIMING,
    });
    const rolloutId = String(started['rolloutId']);
    const canaryId = await eventually(async () => (await roost.api.rolloutAgents(rolloutId)).find((a: Json) => a['phase'] === 0)?.['agentId'] as string | undefined, {
      timeoutMs: 10_000,
      what: 'the canary to be targeted',
    });
    const canary = fleet.byUid(canaryId);
    const stopped = await canary.stop();
    expect(stopped).toMatchObject({ clean: true, supervisorExit: 0, collectorLeftRunning: false });
    expect(await tcpAnswers(port(canary, 'PORT_A'))).toBe(false);
    expect(await tcpAnswers(port(canary, 'PORT_B'))).toBe(false);

    const rollout = await roost.api.rolloutEnded(rolloutId, 30_000);
    await expectEnded(roost, rollout, 'rolled_back');
    const outcome = (await roost.api.rolloutAgents(rolloutId)).find((a: Json) => a['agentId'] === canaryId);
    expect(outcome?.['failure']?.['reason']).toBe('disconnected');
    for (const c of fleet.collectors.filter((c) => c !== canary)) {
      expect(untouchedSince(c, before.get(c.instanceUid)!)).toBe(true);
    }
  }, 90_000);

  it('stops on SIGINT: each supervisor exits 0 and takes its collector with it; the ports refuse', async () => {
    const results = await fleet.stop();
    for (const result of results) expect(result).toMatchObject({ clean: true, collectorLeftRunning: false });
    for (const c of fleet.collectors) expect(await tcpAnswers(port(c, 'PORT_B'))).toBe(false);
  }, 60_000);
});
