import Long from 'long';
import type { FleetEvent } from '@roost/contracts';
import { encodeAgentToServer, instanceUidToBytes } from '@roost/opamp';
import { silentLogger } from '@roost/ports';
import { AgentSessions } from './agent-sessions';
import type { ConfigSource } from './config-source';
import { createGatewayMetrics } from './gateway-metrics';
import { resolveGatewayOptions } from './gateway-options';
import { sweepAgents } from './liveness-sweep';
import { TEST_CAPABILITIES, testDescription } from './testing/opamp-test-agent';

const UID = '0190b7f8-bb85-72b5-8942-8533325b988a';

/** The session shell without sockets: HTTP bodies in, fleet events out, a clock we move. */
function sessionsAt(clock: { now: number }, heartbeatIntervalSeconds?: number) {
  const events: FleetEvent[] = [];
  const noConfigs: ConfigSource = {
    desired: async () => ({ hash: null, revision: 0 }),
    config: async () => null,
    cached: () => undefined,
    desiredOnConnect: async () => ({ hash: null, revision: 0 }),
  };
  const options = resolveGatewayOptions(
    { gatewayId: 'gw-sweep', now: () => clock.now, ...(heartbeatIntervalSeconds === undefined ? {} : { heartbeatIntervalSeconds }) },
    { gatewayId: () => 'unused', now: () => clock.now, randomBytes: (n) => new Uint8Array(n), logger: silentLogger, memoryBudgetBytes: () => 64 * 1024 * 1024 },
  );
  let ids = 0;
  const sessions = new AgentSessions({
    options,
    configs: noConfigs,
    publisher: { publish: (published) => void events.push(published), drain: async () => undefined, stop: async () => undefined },
    effectiveConfigs: { save: () => undefined, drain: async () => undefined },
    metrics: createGatewayMetrics('gw-sweep'),
    logger: silentLogger,
    openSockets: () => 0,
    newInstanceUid: () => new Uint8Array(16),
    nextEventId: () => `e${++ids}`,
  });
  return { sessions, events };
}

const poll = (seq: number) =>
  Buffer.from(
    encodeAgentToServer({
      instanceUid: instanceUidToBytes(UID),
      sequenceNum: Long.fromNumber(seq, true),
      capabilities: TEST_CAPABILITIES,
      ...(seq === 0 ? { agentDescription: testDescription('poller'), remoteConfigStatus: {} } : {}),
    }),
  );

/** A first poll, then three more `gapMs` apart. */
async function pollEvery(sessions: AgentSessions, clock: { now: number }, gapMs: number): Promise<void> {
  await sessions.onHttpBody(poll(0));
  for (let seq = 1; seq <= 3; seq++) {
    clock.now += gapMs;
    await sessions.onHttpBody(poll(seq));
  }
}

describe('sweepAgents', () => {
  const liveness = (clock: { now: number }, followedSilenceMs: number | null = null) => ({ httpSilenceMs: 90_000, followedSilenceMs, retainDisconnectedMs: 600_000, now: () => clock.now });

  it('disconnects an HTTP agent after its missed polls, once, and keeps its record for a reconnect', async () => {
    const clock = { now: 1_000 };
    const { sessions, events } = sessionsAt(clock);
    await sessions.onHttpBody(poll(0));
    clock.now += 60_000;
    await sessions.onHttpBody(poll(1));
    clock.now += 90_000;
    await sweepAgents(sessions, liveness(clock), false);
    expect(events.map((e) => e.type)).toEqual(['connected']);
    clock.now += 1;
    await sweepAgents(sessions, liveness(clock), false);
    await sweepAgents(sessions, liveness(clock), true);
    expect(events.map((e) => e.type)).toEqual(['connected', 'disconnected']);
    expect(sessions.agents.pollingCount).toBe(0);
    expect(sessions.agents.get(UID)?.connected).toBe(false);
  });

  it('lets a silent HTTP agent go without a word when another gateway heard from it, and that gateway announces it again', async () => {
    const clock = { now: 1_000 };
    const here = sessionsAt(clock);
    const there = sessionsAt(clock);
    await here.sessions.onHttpBody(poll(0));
    await there.sessions.onHttpBody(poll(1));
    clock.now += 90_001;
    await there.sessions.onHttpBody(poll(3));
    const asked: string[][] = [];
    await sweepAgents(here.sessions, { ...liveness(clock), heardElsewhere: async (ids) => (asked.push([...ids]), new Set(there.sessions.holdHttpAgents(ids, 90_000))) }, false);
    expect(asked).toEqual([[UID]]);
    expect(here.events.map((e) => e.type)).toEqual(['connected']);
    expect(here.sessions.agents.pollingCount).toBe(0);
    // the holder says `connected` again once it has verified state (it asked after the gap)
    await there.sessions.onHttpBody(poll(0));
    expect(there.events.map((e) => e.type)).toEqual(['connected']);
  });

  it('forgets a disconnected agent once the retention has passed, and only then', async () => {
    const clock = { now: 1_000 };
    const { sessions } = sessionsAt(clock);
    await sessions.onHttpBody(poll(0));
    sessions.disconnect(UID, 'test');
    clock.now += 600_000;
    await sweepAgents(sessions, liveness(clock), true);
    expect(sessions.agents.get(UID)).toBeDefined();
    clock.now += 1;
    await sweepAgents(sessions, liveness(clock), false);
    expect(sessions.agents.get(UID)).toBeDefined();
    await sweepAgents(sessions, liveness(clock), true);
    expect(sessions.agents.get(UID)).toBeUndefined();
  });

  it('given an agent that polls at the heartbeat interval it was offered (5 s), disconnects it after three missed polls at that interval', async () => {
    const clock = { now: 1_000 };
    const { sessions, events } = sessionsAt(clock, 5);
    await pollEvery(sessions, clock, 5_000); // the first answer offers 5 s
    expect(sessions.agents.get(UID)?.onTimePolls).toBe(3);
    clock.now += 15_001;
    await sweepAgents(sessions, liveness(clock, 15_000), false);
    expect(events.map((e) => e.type)).toEqual(['connected', 'disconnected']);
  });

  it('given an agent that ignores the offer and polls every 30 s, keeps it connected for the default three polls of 30 s', async () => {
    const clock = { now: 1_000 };
    const { sessions, events } = sessionsAt(clock, 5);
    await pollEvery(sessions, clock, 30_000);
    expect(sessions.agents.get(UID)?.onTimePolls).toBe(0);
    clock.now += 89_000;
    await sweepAgents(sessions, liveness(clock, 15_000), false);
    expect(events.map((e) => e.type)).toEqual(['connected']);
    clock.now += 1_001;
    await sweepAgents(sessions, liveness(clock, 15_000), false);
    expect(events.map((e) => e.type)).toEqual(['connected', 'disconnected']);
  });
});
