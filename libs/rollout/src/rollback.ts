import type { AgentRecord, RevertSource } from './agent-record';
import { assign, emit, notify, type Recorder } from './decision';
import type { RolloutSettings } from './settings';

/** Where a touched agent goes back to: its own previous config, else the baseline, else it keeps the new one. */
export function revertTarget(agent: AgentRecord, settings: RolloutSettings): { configHash: string; source: RevertSource } {
  if (agent.previousConfigHash !== null) return { configHash: agent.previousConfigHash, source: 'previous' };
  if (settings.baselineConfigHash !== null) return { configHash: settings.baselineConfigHash, source: 'baseline' };
  return { configHash: settings.configHash, source: 'kept_new' };
}

/**
 * Reverts every agent the rollout touched, in every phase so far — each to its own previous
 * config (per agent, never per group) — and ends the rollout `rolled_back`.
 */
export function rollBack(recorder: Recorder, cause: 'phase_failed' | 'operator', reason: string | null): void {
  const touched: AgentRecord[] = [];
  for (const bucket of recorder.draft.agents.buckets) {
    for (const agent of bucket.values()) if (agent.targetedAt !== null && agent.revert === null) touched.push(agent);
  }
  touched.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  let reverted = 0;
  for (const agent of touched) {
    const to = revertTarget(agent, recorder.draft.settings);
    emit(recorder, { type: 'AgentReverted', agentId: agent.agentId, configHash: to.configHash, source: to.source });
    if (to.source !== 'kept_new') {
      assign(recorder, agent.agentId, to.configHash);
      reverted += 1;
    }
  }
  const keptNew = touched.length - reverted;
  emit(recorder, { type: 'RolloutRolledBack', cause, reason, reverted, keptNew });
  const why = cause === 'operator' ? 'by an operator' : 'after a failed phase';
  const kept = keptNew > 0 ? `; ${keptNew} without a previous config keep the new one` : '';
  notify(recorder, 'rolled_back', `rollout ${recorder.draft.settings.rolloutId} rolled back ${why}: ${reverted} agents reverted to their previous config${kept}`);
}
