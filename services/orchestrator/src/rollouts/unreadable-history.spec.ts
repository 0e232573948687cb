import { BUCKETS, subjects } from '@roost/contracts';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { decide, encodeRolloutEvent, type StartRollout } from '@roost/rollout';
import { eventually, recordingLogger } from '@roost/testing';
import { startOrchestrator, type RunningOrchestrator } from '../start-orchestrator';

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** A rollout history this version wrote: one started rollout over two agents. */
async function appendKnownHistory(platform: Platform): Promise<void> {
  const fleet = ['a1', 'a2'].map((agentId) => ({ agentId, connected: true, capabilities: 0x1802, identifying: { 'service.environment': 'prod' }, nonIdentifying: {} }));
  const command: StartRollout = {
    type: 'StartRollout',
    rolloutId: 'r1',
    target: { kind: 'group', group: 'prod' },
    configHash: 'n'.repeat(64),
    previousConfigHashes: { a1: 'o'.repeat(64), a2: 'o'.repeat(64) },
    fleet,
    lockedAgents: {},
    now: 1_000,
  };
  const decision = decide(null, command);
  if (!decision.ok) throw new Error(decision.error.message);
  for (const event of decision.events) await platform.events.append(subjects.rolloutEvents('r1'), encodeRolloutEvent(event), { messageId: event.id });
}

describe('an orchestrator over a rollout history a newer Roost wrote', () => {
  let platform: Platform;
  let orchestrator: RunningOrchestrator | undefined;
  beforeEach(async () => {
    platform = createMemoryPlatform();
    await appendKnownHistory(platform);
  });
  afterEach(async () => {
    await orchestrator?.stop();
    orchestrator = undefined;
    await platform.close();
  });

  it.each([
    ['an event type it does not know', { type: 'RolloutTeleported', schemaVersion: 1, id: 'r2/1', rolloutId: 'r2', at: 5 }, /RolloutTeleported \(schema 1\) at sequence \d+ of rollout r2/],
    ['a known type of a newer major schema', { type: 'RolloutPaused', schemaVersion: 2, id: 'r2/1', rolloutId: 'r2', at: 5, cause: 'operator', reason: null }, /RolloutPaused \(schema 2\) at sequence \d+ of rollout r2/],
  ])('refuses to lead over %s, says so in the log and a metric, and hands the lease back', async (_name, event, named) => {
    await platform.events.append(subjects.rolloutEvents('r2'), json(event));
    const logger = recordingLogger();
    orchestrator = await startOrchestrator({ instanceId: 'old-orchestrator', logger, leaseRetryMs: 50 }, platform);
    const running = orchestrator;
    await eventually(async () => /^roost_orchestrator_refusing_to_lead 1$/m.test(await running.metrics.metrics()), { timeoutMs: 10_000, what: 'the refusal metric' });
    const refusal = logger.entries.find((entry) => entry.level === 'error' && entry.message.includes('will not lead'));
    expect(refusal?.message).toMatch(named);
    expect(refusal?.message).toMatch(/upgrade it/);
    const leases = await platform.kv.open(BUCKETS.leases.name);
    await eventually(async () => (await leases.get('orchestrator')) === null, { timeoutMs: 10_000, what: 'the lease released' });
    expect(orchestrator.isLeader()).toBe(false);
    expect(orchestrator.activeRollouts()).toEqual([]);
  });

  it('leads over a history it knows wholly, the gauge at 0', async () => {
    orchestrator = await startOrchestrator({ instanceId: 'current-orchestrator' }, platform);
    const running = orchestrator;
    await eventually(() => running.isLeader(), { timeoutMs: 10_000, what: 'the orchestrator to lead' });
    expect(await orchestrator.metrics.metrics()).toMatch(/^roost_orchestrator_refusing_to_lead 0$/m);
  });
});
