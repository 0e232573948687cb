/**
 * Steps and checks the collector suites share: roll a config out through Roost's admin API and
 * look at what each collector really runs.
 */
import { eventually } from '@roost/testing';
import { otlpHttpAccepts, processAlive, tcpAnswers, type ProcessIdentity } from './probes';
import type { Json, RoostUnderTest } from './roost-under-test';
import type { SupervisedCollector } from './supervised-collector';
import type { SupervisedFleet } from './supervised-fleet';

/**
 * Rollout timing for supervised collectors. The supervisor reports APPLIED after its
 * config_apply_timeout (2s here), and reports the collector unhealthy while it restarts it on a
 * new config: on a loaded machine that takes seconds, so the health grace is generous.
 */
export const SUPERVISED_TIMING = { applyTimeoutMs: 20_000, disconnectGraceMs: 1_500, healthGraceMs: 10_000 };

/** One canary, then everyone; the canary's window lets a crash show before the next phase. */
export const CANARY_PLAN = [{ count: 1, windowMs: 2_000 }, { percent: 100 }];

/** Starts a rollout of `configVersion` to `group` and waits for its end. */
export async function rollOut(roost: RoostUnderTest, group: string, configVersion: string, extra: Json = {}, timeoutMs = 60_000): Promise<Json> {
  const started = await roost.api.startRollout({ target: { group }, configVersion, plan: CANARY_PLAN, timing: SUPERVISED_TIMING, ...extra });
  return roost.api.rolloutEnded(String(started['rolloutId']), timeoutMs);
}

/** Fails with the rollout and every agent's outcome when the rollout did not end as `status`. */
export async function expectEnded(roost: RoostUnderTest, rollout: Json, status: string): Promise<void> {
  if (rollout['status'] === status) return;
  const outcomes = await roost.api.rolloutAgents(String(rollout['rolloutId']));
  throw new Error(`rollout ${rollout['rolloutId']} ended ${rollout['status']}, expected ${status}\n${JSON.stringify(rollout, null, 1)}\n${JSON.stringify(outcomes, null, 1)}`);
}

/** Waits until every collector's OTLP/HTTP receiver takes data on its `portName` port. */
export async function waitServingOn(collectors: readonly SupervisedCollector[], portName: string, timeoutMs = 30_000): Promise<void> {
  await Promise.all(
    collectors.map((c) =>
      eventually(() => otlpHttpAccepts(port(c, portName)), { timeoutMs, intervalMs: 200, what: `collector ${c.instanceUid} to take OTLP on ${portName}=${port(c, portName)}\n${c.logTail(15)}` }),
    ),
  );
}

export function port(c: SupervisedCollector, portName: string): number {
  const value = c.ports[portName];
  if (value === undefined) throw new Error(`collector ${c.instanceUid} has no port ${portName}`);
  return value;
}

/** What a collector is doing now, to compare before and after. */
export interface CollectorState {
  readonly process: ProcessIdentity | null;
  readonly writtenConfig: string | null;
}

export function snapshot(c: SupervisedCollector): CollectorState {
  return { process: c.collectorProcess(), writtenConfig: c.writtenConfigText() };
}

/** The collector process of `before` still runs (not restarted) and its written config did not change. */
export function untouchedSince(c: SupervisedCollector, before: CollectorState): boolean {
  return before.process !== null && processAlive(before.process) && c.writtenConfigText() === before.writtenConfig;
}

export { otlpHttpAccepts, tcpAnswers };

/** Waits until all of the fleet is connected in the group, as Roost's views count it. */
export async function waitConnected(roost: RoostUnderTest, fleet: SupervisedFleet, group: string, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => {
      try {
        return (await roost.api.group(group))['connected'] === fleet.collectors.length;
      } catch {
        return false;
      }
    },
    { timeoutMs, intervalMs: 200, what: `${fleet.collectors.length} supervised collectors connected in group ${group}\n${fleet.collectors[0]?.logTail(20)}` },
  );
}
