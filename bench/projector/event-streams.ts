import { fleetEventContract, subjects, type FleetEvent } from '@roost/contracts';
import type { EventStore } from '@roost/ports';
import { type RolloutEvent } from '@roost/rollout';
import { FULL_CAPABILITIES, simulateRollout } from '@roost/rollout/testing';

const encoder = new TextEncoder();

/** `rollouts` rollouts of `agents` agents each through the rollout engine's simulator (about 5 events per agent). */
export function rolloutHistories(prefix: string, rollouts: number, agents: number): RolloutEvent[][] {
  return Array.from({ length: rollouts }, (_, r) =>
    simulateRollout({
      rollout: { rolloutId: `${prefix}-${r}`, target: { kind: 'group', group: `group-${r % 4}` }, configHash: `cfg-${r}` },
      agents: Array.from({ length: agents }, (_, i) => ({
        agentId: `${prefix}-${r}-agent-${i}`,
        identifying: { 'service.environment': `group-${r % 4}` },
        applyDelayMs: 1000 + (i % 7) * 100,
        ...(i % 50 === 7 ? { behaviour: { kind: 'fails_apply' as const, error: 'unknown processor x' } } : {}),
      })),
      startAt: 1_700_000_000_000 + r * 60_000,
    }).events as RolloutEvent[],
  );
}

/** Fleet events: each agent connects, then reports health changes and a new config. */
export function fleetHistory(agents: number, eventsPerAgent: number): FleetEvent[] {
  const out: FleetEvent[] = [];
  for (let step = 0; step < eventsPerAgent; step += 1) {
    for (let i = 0; i < agents; i += 1) {
      const agentId = `fleet-agent-${i}`;
      out.push({
        type: step === 0 ? 'connected' : 'health',
        schemaVersion: 1,
        changes: [step === 0 ? 'connected' : 'health'],
        id: `gw.bench.${out.length}`,
        at: 1_700_000_000_000 + step * 1000,
        agentId,
        snapshot: {
          agentId,
          gatewayId: `gw-${i % 3}`,
          transport: 'websocket',
          connected: true,
          capabilities: FULL_CAPABILITIES,
          identifying: { 'service.environment': `group-${i % 5}` },
          nonIdentifying: { 'host.name': `node-${i}` },
          health: { healthy: step % 2 === 0, lastError: step % 2 === 0 ? '' : 'exporter failing', status: 'x', reportedAt: step },
          remoteConfigStatus: null,
          effectiveConfigHash: `cfg-${step % 3}`,
        },
      });
    }
  }
  return out;
}

/**
 * Appends with many publishes in flight (`window`), rollouts interleaved as a busy orchestrator
 * would write them; message ids dedup as in production, no expected-sequence round trip.
 */
export async function appendAll(events: EventStore, rollout: readonly RolloutEvent[][], fleet: readonly FleetEvent[], window = 1000): Promise<number> {
  const messages: Array<[string, Uint8Array, string]> = [];
  const longest = Math.max(0, ...rollout.map((h) => h.length));
  for (let i = 0; i < longest; i += 1) {
    for (const history of rollout) {
      const event = history[i];
      if (event !== undefined) messages.push([subjects.rolloutEvents(event.rolloutId), encoder.encode(JSON.stringify(event)), event.id]);
    }
  }
  for (const event of fleet) messages.push([subjects.fleetAgentEvent(event.agentId, event.type), fleetEventContract.encode(event), event.id]);
  for (let i = 0; i < messages.length; i += window) {
    await Promise.all(messages.slice(i, i + window).map(([subject, data, id]) => events.append(subject, data, { messageId: id })));
  }
  return messages.length;
}
