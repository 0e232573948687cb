import { fleetEventContract, subjects, type AgentSnapshot, type FleetEvent, type FleetEventKind } from '@roost/contracts';
import type { RedisClient } from '@roost/platform-redis';
import type { EventStore } from '@roost/ports';
import { type RolloutEvent } from '@roost/rollout';
import { FULL_CAPABILITIES, simulateRollout, type AgentBehaviour, type SimulationResult } from '@roost/rollout/testing';

const encoder = new TextEncoder();
export const T0 = 1_700_000_000_000;

/** Appends rollout events as the orchestrator does: JSON on rollout.events.<id>, message id = event id, expected subject sequence. */
export async function appendRolloutEvents(events: EventStore, history: readonly RolloutEvent[]): Promise<void> {
  const last = new Map<string, number>();
  for (const event of history) {
    const subject = subjects.rolloutEvents(event.rolloutId);
    const expected = last.get(subject) ?? (await events.lastSubjectSequence(subject));
    const { sequence } = await events.append(subject, encoder.encode(JSON.stringify(event)), { messageId: event.id, expectedLastSubjectSequence: expected });
    last.set(subject, sequence);
  }
}

export async function appendFleetEvents(events: EventStore, fleet: readonly FleetEvent[]): Promise<void> {
  for (const event of fleet) await events.append(subjects.fleetAgentEvent(event.agentId, event.type), fleetEventContract.encode(event), { messageId: event.id });
}

/** The original scenario through the rollout engine's simulator: `size` agents of group production, 2/10/50/100%. */
export function simulateOriginal(rolloutId: string, options: { size?: number; failing?: (agentIndex: number) => boolean } = {}): SimulationResult {
  const bad: AgentBehaviour = { kind: 'fails_apply', error: "unknown processor 'batchx'" };
  return simulateRollout({
    rollout: { rolloutId, target: { kind: 'group', group: 'production' }, configHash: 'cfg-v2', threshold: 0.1 },
    agents: Array.from({ length: options.size ?? 100 }, (_, i) => ({
      agentId: agentId(i),
      previousConfigHash: `cfg-v1-${i % 3}`,
      behaviour: options.failing?.(i) ? bad : { kind: 'healthy' },
      applyDelayMs: 2000,
    })),
    startAt: T0,
  });
}

export const agentId = (i: number): string => `0190a1b2-c3d4-7e5f-8a9b-${String(i).padStart(12, '0')}`;

/**
 * The fleet events gateways would have published for the same agents: a connect, then a
 * remote-config-status and a health report for each rollout event that implies one.
 */
export function fleetEventsOf(result: SimulationResult, size: number): FleetEvent[] {
  const snapshots = new Map<string, AgentSnapshot>();
  const out: FleetEvent[] = [];
  const emit = (id: string, kind: FleetEventKind, at: number, change: Partial<AgentSnapshot>): void => {
    const snapshot = { ...snapshots.get(id)!, ...change };
    snapshots.set(id, snapshot);
    out.push({ type: kind, schemaVersion: 1, id: `gw-a.boot.${out.length + 1}`, at, agentId: id, changes: [kind], snapshot });
  };
  for (let i = 0; i < size; i += 1) {
    const id = agentId(i);
    snapshots.set(id, {
      agentId: id,
      gatewayId: i % 2 === 0 ? 'gw-a' : 'gw-b',
      transport: 'websocket',
      connected: true,
      capabilities: FULL_CAPABILITIES,
      identifying: { 'service.environment': 'production', 'service.name': 'otelcol-contrib' },
      nonIdentifying: { 'host.name': `node-${i}`, 'os.type': 'linux' },
      health: { healthy: true, lastError: '', status: 'StatusOK', reportedAt: T0 - 1000 },
      remoteConfigStatus: { hash: `cfg-v1-${i % 3}`, status: 'APPLIED', errorMessage: '', reportedAt: T0 - 1000 },
      effectiveConfigHash: `cfg-v1-${i % 3}`,
    });
    emit(id, 'connected', T0 - 1000, {});
  }
  for (const event of result.events) {
    if (event.type === 'AgentConfigFailed' && event.reason === 'apply_failed') {
      emit(event.agentId, 'remote-config-status', event.at, { remoteConfigStatus: { hash: 'cfg-v2', status: 'FAILED', errorMessage: event.detail, reportedAt: event.at } });
    } else if (event.type === 'AgentConfigApplied') {
      emit(event.agentId, 'remote-config-status', event.at, { remoteConfigStatus: { hash: 'cfg-v2', status: 'APPLIED', errorMessage: '', reportedAt: event.at }, effectiveConfigHash: 'cfg-v2' });
    } else if (event.type === 'AgentHealthChanged') {
      emit(event.agentId, 'health', event.at, { health: { healthy: event.healthy, lastError: event.lastError, status: event.healthy ? 'StatusOK' : 'StatusStarting', reportedAt: event.at } });
    }
  }
  return out;
}

/** Every roost:* key of one Redis database with its full content, sorted: two equal dumps are equal views. */
export async function dumpViews(admin: RedisClient): Promise<Record<string, unknown>> {
  const keys = (await admin.redis.keys('roost:*')).sort();
  const dump: Record<string, unknown> = {};
  for (const key of keys) {
    const type = await admin.redis.type(key);
    if (type === 'string') dump[key] = await admin.redis.get(key);
    else if (type === 'hash') dump[key] = Object.fromEntries(Object.entries(await admin.redis.hgetall(key)).sort(([a], [b]) => (a < b ? -1 : 1)));
    else if (type === 'zset') dump[key] = await admin.redis.zrange(key, '0', '-1', 'WITHSCORES');
    else dump[key] = `unexpected ${type}`;
  }
  return dump;
}
