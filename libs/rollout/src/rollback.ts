import type { AgentRecord, RevertSource } from './agent-record';
import { agentChunks } from './agent-chunks';
import { assign, emit, notify, type Recorder } from './decision';
import type { RolloutSettings } from './settings';
import { targetConfigOf } from './target-config';

/** Where a touched agent goes back to: its own previous config, else the baseline, else it keeps the new one. */
export function revertTarget(agent: AgentRecord, settings: RolloutSettings): { configHash: string; source: RevertSource } {
  if (agent.previousConfigHash !== null) return { configHash: agent.previousConfigHash, source: 'previous' };
  if (settings.baselineConfigHash !== null) return { configHash: settings.baselineConfigHash, source: 'baseline' };
  return { configHash: targetConfigOf(agent, settings), source: 'kept_new' };
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
  const reverting = touched.map((agent) => ({ agentId: agent.agentId, ...revertTarget(agent, recorder.draft.settings) }));
  for (const agents of agentChunks(reverting)) emit(recorder, { type: 'AgentsReverted', agents });
  const sentBack = reverting.filter((agent) => agent.source !== 'kept_new');
  for (const agent of sentBack) assign(recorder, agent.agentId, agent.configHash);
  const reverted = sentBack.length;
  const keptNew = touched.length - reverted;
  emit(recorder, { type: 'RolloutRolledBack', cause, reason, reverted, keptNew });
  const why = cause === 'operator' ? 'by an operator' : 'after a failed phase';
  const kept = keptNew > 0 ? `; ${keptNew} without a previous config keep the new one` : '';
  notify(recorder, 'rolled_back', `rollout ${recorder.draft.settings.rolloutId} rolled back ${why}: ${reverted} agents reverted to their previous config${kept}`);
}
