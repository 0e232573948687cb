import { subjects } from '@roost/contracts';
import type { EventStore } from '@roost/ports';
import { type RolloutEvent } from '@roost/rollout';
import { simulateRollout, type AgentBehaviour, type SimulationResult } from '@roost/rollout/testing';

const encoder = new TextEncoder();

/** Appends rollout events as the orchestrator does: JSON, message id = event id, expected subject sequence. */
export async function appendRolloutEvents(events: EventStore, history: readonly RolloutEvent[]): Promise<void> {
  const last = new Map<string, number>();
  for (const event of history) {
    const subject = subjects.rolloutEvents(event.rolloutId);
    const expected = last.get(subject) ?? (await events.lastSubjectSequence(subject));
    const { sequence } = await events.append(subject, encoder.encode(JSON.stringify(event)), { messageId: event.id, expectedLastSubjectSequence: expected });
    last.set(subject, sequence);
  }
}

/** A rollout of `size` agents of group production through the rollout engine's simulator; `failing` agents fail to apply. */
export function simulateProduction(rolloutId: string, options: { size?: number; failing?: (index: number) => boolean; startAt?: number } = {}): SimulationResult {
  const bad: AgentBehaviour = { kind: 'fails_apply', error: 'unknown processor x' };
  return simulateRollout({
    rollout: { rolloutId, target: { kind: 'group', group: 'production' }, configHash: `cfg-${rolloutId}` },
    agents: Array.from({ length: options.size ?? 50 }, (_, i) => ({
      agentId: `${rolloutId}-agent-${String(i).padStart(4, '0')}`,
      behaviour: options.failing?.(i) ? bad : { kind: 'healthy' },
    })),
    startAt: options.startAt ?? 1_700_000_000_000,
  });
}
