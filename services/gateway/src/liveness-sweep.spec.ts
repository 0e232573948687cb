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
function sessionsAt(clock: { now: number }) {
  const events: FleetEvent[] = [];
  const noConfigs: ConfigSource = {
    desired: async () => ({ hash: null, revision: 0 }),
    config: async () => null,
    cached: () => undefined,
    desiredOnConnect: async () => ({ hash: null, revision: 0 }),
  };
  const options = resolveGatewayOptions(
    { gatewayId: 'gw-sweep', now: () => clock.now },
    { gatewayId: () => 'unused', now: () => clock.now, randomBytes: (n) => new Uint8Array(n), logger: silentLogger },
  );
  let ids = 0;
  const sessions = new AgentSessions({
    options,
    configs: noConfigs,
    publisher: { publish: (published) => void events.push(published), drain: async () => undefined },
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

describe('sweepAgents', () => {
  const liveness = (clock: { now: number }) => ({ httpSilenceMs: 90_000, retainDisconnectedMs: 600_000, now: () => clock.now });

  it('disconnects an HTTP agent after its missed polls, once, and keeps its record for a reconnect', async () => {
    const clock = { now: 1_000 };
    const { sessions, events } = sessionsAt(clock);
    await sessions.onHttpBody(poll(0));
    clock.now += 60_000;
    await sessions.onHttpBody(poll(1));
    clock.now += 90_000;
    sweepAgents(sessions, liveness(clock), false);
    expect(events.map((e) => e.type)).toEqual(['connected']);
    clock.now += 1;
    sweepAgents(sessions, liveness(clock), false);
    sweepAgents(sessions, liveness(clock), true);
    expect(events.map((e) => e.type)).toEqual(['connected', 'disconnected']);
    expect(sessions.httpAgents.size).toBe(0);
    expect(sessions.records.get(UID)?.connected).toBe(false);
  });

  it('forgets a disconnected agent once the retention has passed, and only then', async () => {
    const clock = { now: 1_000 };
    const { sessions } = sessionsAt(clock);
    await sessions.onHttpBody(poll(0));
    sessions.disconnect(UID, 'test');
    clock.now += 600_000;
    sweepAgents(sessions, liveness(clock), true);
    expect(sessions.records.has(UID)).toBe(true);
    clock.now += 1;
    sweepAgents(sessions, liveness(clock), false);
    expect(sessions.records.has(UID)).toBe(true);
    sweepAgents(sessions, liveness(clock), true);
    expect(sessions.records.has(UID)).toBe(false);
  });
});
