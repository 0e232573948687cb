import { subjects } from '@roost/contracts';
import { connectNatsPlatform } from '@roost/platform-nats';
import { createMemoryViewStore } from '@roost/platform-memory';
import { ConcurrencyConflictError, silentLogger, type Platform } from '@roost/ports';
import { decide, type RolloutEvent, type StartRollout } from '@roost/rollout';
import { startNatsServer, type TestServer } from '@roost/testing';
import { OrchestratorError } from '../orchestrator-error';
import { RolloutStore } from './rollout-store';

const NEW = 'n'.repeat(64);
const OLD = 'o'.repeat(64);

/** The events of starting a rollout over `size` agents at 100% (targeted 500 to an event). */
function startEvents(rolloutId: string, size: number): readonly RolloutEvent[] {
  const fleet = Array.from({ length: size }, (_, i) => ({ agentId: `agent-${i}`, connected: true, capabilities: 0x1802, identifying: { 'service.environment': 'prod' }, nonIdentifying: {} }));
  const command: StartRollout = {
    type: 'StartRollout',
    rolloutId,
    target: { kind: 'group', group: 'prod' },
    configHash: NEW,
    previousConfigHashes: Object.fromEntries(fleet.map((agent) => [agent.agentId, OLD])),
    plan: [{ percent: 100, windowMs: 60_000 }],
    fleet,
    lockedAgents: {},
    now: 1_000,
  };
  const decision = decide(null, command);
  if (!decision.ok) throw new Error(decision.error.message);
  return decision.events;
}

describe('rollout store on JetStream', () => {
  let nats: TestServer;
  let platform: Platform;
  let leading = true;
  let store: RolloutStore;

  beforeAll(async () => {
    nats = await startNatsServer();
    platform = await connectNatsPlatform({ url: nats.url, views: createMemoryViewStore() });
    store = new RolloutStore(platform.events, () => leading, silentLogger);
  });

  afterAll(async () => {
    await platform.close();
    await nats.stop();
  });

  it('appends a long decision in order, one event per message with contiguous ids', async () => {
    const events = startEvents('r-long', 2_500);
    const reported: number[] = [];
    const last = await store.append('r-long', events, 0, (count) => reported.push(count));
    const stored = await platform.events.read(subjects.rolloutEvents('r-long'));
    expect(stored.map((event) => JSON.parse(new TextDecoder().decode(event.data)).id)).toEqual(events.map((event) => event.id));
    expect(last).toBe(stored[stored.length - 1]?.sequence);
    expect(reported[reported.length - 1]).toBe(events.length);
    const history = await store.load('r-long');
    expect(history.state?.counts.pending).toBe(2_500);
    expect(history.lastSequence).toBe(last);
  });

  it('appends while another rollout is written alongside, each history contiguous', async () => {
    const other = startEvents('r-other', 300);
    const events = startEvents('r-after', 300);
    await Promise.all([store.append('r-after', events, 0), store.append('r-other', other, 0)]);
    expect((await store.load('r-after')).state?.counts.pending).toBe(300);
    expect((await store.load('r-other')).state?.counts.pending).toBe(300);
  });

  it('refuses an append whose expected sequence is stale, storing nothing', async () => {
    const events = startEvents('r-race', 5);
    await store.append('r-race', events.slice(0, 2), 0);
    await expect(store.append('r-race', events.slice(2), 0)).rejects.toBeInstanceOf(ConcurrencyConflictError);
    // Deciding again from a stale state gives the same ids again: dedup refuses the position.
    const stored = await platform.events.read(subjects.rolloutEvents('r-race'));
    await expect(store.append('r-race', events.slice(1, 3), stored[0]!.sequence)).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect(await platform.events.read(subjects.rolloutEvents('r-race'))).toHaveLength(2);
  });

  it('writes nothing once leadership is not certain', async () => {
    leading = false;
    await expect(store.append('r-fenced', startEvents('r-fenced', 2), 0)).rejects.toBeInstanceOf(OrchestratorError);
    leading = true;
    expect(await platform.events.read(subjects.rolloutEvents('r-fenced'))).toHaveLength(0);
  });

  it('loads every rollout with the ledger of desired configs its events imply', async () => {
    const { histories, ledger } = await store.loadAll();
    expect([...histories.keys()].sort()).toEqual(['r-after', 'r-long', 'r-other', 'r-race']);
    expect(ledger.get('agent-2499')).toEqual({ configHash: NEW, rolloutId: 'r-long' });
  });
});
