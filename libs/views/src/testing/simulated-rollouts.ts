import { targetedAgentIds } from '@roost/rollout';
import { simulateRollout, type AgentBehaviour, type SimulationResult, type SimAgentSpec } from '@roost/rollout/testing';

export const agentId = (i: number): string => `agent-${String(i).padStart(3, '0')}`;

/**
 * The original design's scenario through the rollout engine's own simulator: `size` agents of
 * group production, the default plan and threshold; the listed agents fail to apply.
 */
export function simulateOriginal(options: { rolloutId?: string; size?: number; failing?: readonly string[]; error?: string; startAt?: number } = {}): SimulationResult {
  const size = options.size ?? 100;
  const bad: AgentBehaviour = { kind: 'fails_apply', error: options.error ?? 'exporters::otlp: connection refused' };
  const agents: SimAgentSpec[] = Array.from({ length: size }, (_, i) => ({
    agentId: agentId(i),
    previousConfigHash: `cfg-v1-${i % 3}`,
    behaviour: options.failing?.includes(agentId(i)) ? bad : { kind: 'healthy' },
    applyDelayMs: 2000,
  }));
  return simulateRollout({
    rollout: { rolloutId: options.rolloutId ?? 'orig', target: { kind: 'group', group: 'production' }, configHash: 'cfg-v2', threshold: 0.1 },
    agents,
    startAt: options.startAt ?? 1_700_000_000_000,
  });
}

/** Ids of the first `n` agents the rollout targets, in targeting order. */
export function targetedIds(result: SimulationResult, n: number): string[] {
  return targetedAgentIds(result.events).slice(0, n);
}
