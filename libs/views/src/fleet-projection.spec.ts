import type { AgentSnapshot, FleetEvent } from '@roost/contracts';
import { agentDetailFromHash, fleetCountsFromHash, groupsFromHash } from './fleet-views';
import { projectFleetEvent } from './fleet-projection';
import { AGENT_EVENT_LOG_SIZE, agentEventsFromHash } from './agent-event-log';
import { ViewModel } from './testing/view-model';
import { fleetKeys } from './view-keys';

let counter = 0;
function fleetEvent(type: FleetEvent['type'], agentId: string, at: number, snapshot: Partial<AgentSnapshot> = {}): FleetEvent {
  counter += 1;
  return {
    type,
    schemaVersion: 1,
    changes: [type],
    id: `gw-1.boot.${counter}`,
    at,
    agentId,
    snapshot: {
      agentId,
      gatewayId: 'gw-1',
      transport: 'websocket',
      connected: type !== 'disconnected',
      capabilities: 0x1807,
      identifying: { 'service.environment': 'production', 'service.name': 'otelcol' },
      nonIdentifying: { 'host.name': `host-${agentId}` },
      health: null,
      remoteConfigStatus: null,
      effectiveConfigHash: null,
      ...snapshot,
    },
  };
}

function project(model: ViewModel, ...events: FleetEvent[]): ViewModel {
  for (const event of events) model.apply(projectFleetEvent(event, model));
  return model;
}

const healthy = { healthy: true, lastError: '', status: 'StatusOK', reportedAt: 5 };
const unhealthy = { healthy: false, lastError: 'exporter failing', status: 'StatusRecoverableError', reportedAt: 9 };

describe('fleet views', () => {
  it('counts a healthy agent that disconnects as unknown, not healthy, until it reconnects', () => {
    const model = project(new ViewModel(), fleetEvent('connected', 'a1', 1), fleetEvent('health', 'a1', 2, { health: healthy }), fleetEvent('disconnected', 'a1', 3, { health: healthy }));
    expect(fleetCountsFromHash(model.hgetall(fleetKeys.summary)).health).toEqual({ healthy: 0, unhealthy: 0, unknown: 1 });
    expect(agentDetailFromHash(model.hgetall(fleetKeys.agent('a1')), null)?.healthState).toBe('unknown');
    project(model, fleetEvent('connected', 'a1', 4, { health: healthy }));
    expect(fleetCountsFromHash(model.hgetall(fleetKeys.summary)).health).toEqual({ healthy: 1, unhealthy: 0, unknown: 0 });
  });

  it('counts agents by group, connection, health and config hash as their snapshots change', () => {
    const model = project(
      new ViewModel(),
      fleetEvent('connected', 'a1', 1),
      fleetEvent('connected', 'a2', 2, { identifying: { 'service.environment': 'staging' } }),
      fleetEvent('connected', 'a3', 3, { identifying: {} }),
      fleetEvent('health', 'a1', 4, { health: healthy, effectiveConfigHash: 'cfg-1' }),
      fleetEvent('health', 'a1', 5, { health: unhealthy, effectiveConfigHash: 'cfg-1' }),
      fleetEvent('remote-config-status', 'a2', 6, { identifying: { 'service.environment': 'staging' }, remoteConfigStatus: { hash: 'cfg-2', status: 'APPLIED', errorMessage: '', reportedAt: 6 } }),
      fleetEvent('disconnected', 'a3', 7, { identifying: {} }),
    );
    expect(fleetCountsFromHash(model.hgetall(fleetKeys.summary))).toEqual({
      agents: 3,
      connected: 2,
      disconnected: 1,
      health: { healthy: 0, unhealthy: 1, unknown: 2 },
      configs: { 'cfg-1': 1, 'cfg-2': 1, none: 1 },
    });
    expect(groupsFromHash(model.hgetall(fleetKeys.groups))).toEqual({ production: 1, staging: 1, '(none)': 1 });
    expect(fleetCountsFromHash(model.hgetall(fleetKeys.group('production')))).toMatchObject({ agents: 1, connected: 1, health: { unhealthy: 1 } });
    expect(model.zrange(fleetKeys.agents).map((m) => m.member)).toEqual(['a1', 'a2', 'a3']);
  });

  it('counts agents APPLIED on one remote config as one config, whatever their effective configs (a supervisor adds per-instance data)', () => {
    const applied = { hash: 'cfg-roost', status: 'APPLIED' as const, errorMessage: '', reportedAt: 4 };
    const model = project(
      new ViewModel(),
      ...['a1', 'a2', 'a3'].map((id, i) => fleetEvent('remote-config-status', id, 4 + i, { remoteConfigStatus: applied, effectiveConfigHash: `effective-of-${id}` })),
      fleetEvent('remote-config-status', 'a4', 8, { remoteConfigStatus: { ...applied, hash: 'cfg-bad', status: 'FAILED' }, effectiveConfigHash: 'effective-of-a4' }),
    );
    expect(fleetCountsFromHash(model.hgetall(fleetKeys.summary)).configs).toEqual({ 'cfg-roost': 3, 'effective-of-a4': 1 });
    expect(agentDetailFromHash(model.hgetall(fleetKeys.agent('a1')), null)).toMatchObject({ currentConfigHash: 'cfg-roost', effectiveConfigHash: 'effective-of-a1' });
  });

  it('moves an agent between groups when its description changes', () => {
    const model = project(
      new ViewModel(),
      fleetEvent('connected', 'a1', 1),
      fleetEvent('description', 'a1', 2, { identifying: { 'service.environment': 'staging' } }),
    );
    expect(groupsFromHash(model.hgetall(fleetKeys.groups))).toEqual({ staging: 1 });
    expect(model.zrange(fleetKeys.groupAgents('production'))).toEqual([]);
    expect(model.zrange(fleetKeys.groupAgents('staging'))).toEqual([{ member: 'a1', score: 1 }]);
    expect(fleetCountsFromHash(model.hgetall(fleetKeys.group('production'))).agents).toBe(0);
  });

  it('keeps the agent detail: description, capabilities, health, configs, gateway and times', () => {
    const model = project(
      new ViewModel(),
      fleetEvent('connected', 'a1', 1),
      fleetEvent('health', 'a1', 4, { health: healthy, effectiveConfigHash: 'cfg-1' }),
    );
    model.apply([{ op: 'hset', key: fleetKeys.desired, fields: { a1: JSON.stringify({ configHash: 'cfg-2', rolloutId: 'r1', setBy: 'AgentsTargeted', at: 3 }) } }]);
    const detail = agentDetailFromHash(model.hgetall(fleetKeys.agent('a1')), model.read({ key: fleetKeys.desired, field: 'a1' }));
    expect(detail).toMatchObject({
      agentId: 'a1',
      gatewayId: 'gw-1',
      connected: true,
      capabilityNames: expect.arrayContaining(['AcceptsRemoteConfig', 'ReportsHealth']),
      identifying: { 'service.environment': 'production' },
      nonIdentifying: { 'host.name': 'host-a1' },
      group: 'production',
      healthState: 'healthy',
      currentConfigHash: 'cfg-1',
      desired: { configHash: 'cfg-2', rolloutId: 'r1' },
      firstSeenAt: 1,
      updatedAt: 4,
      connectedAt: 1,
    });
  });

  it('ignores a late disconnect from a gateway the agent already left', () => {
    const model = project(
      new ViewModel(),
      fleetEvent('connected', 'a1', 1),
      fleetEvent('connected', 'a1', 2, { gatewayId: 'gw-2' }),
      fleetEvent('disconnected', 'a1', 3),
    );
    expect(agentDetailFromHash(model.hgetall(fleetKeys.agent('a1')), null)).toMatchObject({ connected: true, gatewayId: 'gw-2' });
    expect(fleetCountsFromHash(model.hgetall(fleetKeys.summary))).toMatchObject({ agents: 1, connected: 1, disconnected: 0 });
  });

  it("keeps each agent's recent events, newest first, with what each changed, and only the last AGENT_EVENT_LOG_SIZE", () => {
    const failed = { hash: 'cfg-bad', status: 'FAILED' as const, errorMessage: 'unknown processor x', reportedAt: 3 };
    const model = project(
      new ViewModel(),
      fleetEvent('connected', 'a1', 1),
      fleetEvent('connected', 'a2', 1),
      fleetEvent('health', 'a1', 2, { health: unhealthy }),
      fleetEvent('remote-config-status', 'a1', 3, { health: unhealthy, remoteConfigStatus: failed }),
      fleetEvent('disconnected', 'a1', 4, { health: unhealthy, remoteConfigStatus: failed }),
    );
    const events = agentEventsFromHash(model.hgetall(fleetKeys.agentEvents('a1')));
    expect(events.map((event) => [event.n, event.type, event.at])).toEqual([
      [4, 'disconnected', 4],
      [3, 'remote-config-status', 3],
      [2, 'health', 2],
      [1, 'connected', 1],
    ]);
    expect(events[1]).toEqual({ n: 3, id: expect.any(String), type: 'remote-config-status', changes: ['remote-config-status'], at: 3, gatewayId: 'gw-1', remoteConfigStatus: { status: 'FAILED', hash: 'cfg-bad', errorMessage: 'unknown processor x' } });
    expect(events[2]?.health).toEqual({ healthy: false, lastError: 'exporter failing' });
    expect(events[3]?.transport).toBe('websocket');
    expect(agentEventsFromHash(model.hgetall(fleetKeys.agentEvents('a2'))).map((event) => event.type)).toEqual(['connected']);

    for (let at = 5; at < 5 + AGENT_EVENT_LOG_SIZE; at += 1) project(model, fleetEvent('health', 'a1', at, { health: at % 2 === 0 ? healthy : unhealthy }));
    const kept = agentEventsFromHash(model.hgetall(fleetKeys.agentEvents('a1')));
    expect(kept).toHaveLength(AGENT_EVENT_LOG_SIZE);
    expect(kept[0]).toMatchObject({ n: 4 + AGENT_EVENT_LOG_SIZE, at: 4 + AGENT_EVENT_LOG_SIZE });
    // the four first events were overwritten, oldest first
    expect(kept.at(-1)).toMatchObject({ n: 5, type: 'health', at: 5 });
  });

  it('leaves a late disconnect from a gateway the agent already left out of its events', () => {
    const model = project(new ViewModel(), fleetEvent('connected', 'a1', 1), fleetEvent('connected', 'a1', 2, { gatewayId: 'gw-2' }), fleetEvent('disconnected', 'a1', 3));
    expect(agentEventsFromHash(model.hgetall(fleetKeys.agentEvents('a1'))).map((event) => `${event.type}@${event.gatewayId}`)).toEqual(['connected@gw-2', 'connected@gw-1']);
  });
});
