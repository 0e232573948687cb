import { collectorErrorsSince, reportedFailure, sincePush } from './failure-detail';
import { emit, type Recorder } from './decision';
import type { AgentObservation, RemoteConfigState, Tick } from './inputs';
import type { AgentRecord } from './agent-record';
import { agentOf, type RolloutState } from './state';
import { targetConfigOf } from './target-config';
import { rolloutAgents } from './summary';

/** How long after its end a rollout still records late reports of agents with no revert left open. */
const LATE_REPORT_MIN_MS = 60_000;
/** A revert nobody answers is watched for at most this long after the end. */
export const REVERT_WATCH_MS = 3_600_000;

/**
 * The record goes on after the decision: once a rollout has ended, its agents' reports are
 * still recorded — a FAILED for the rollout's config that arrived after the gate decided (a
 * canary failing milliseconds after the fail-early decision), and each reverted agent's own
 * revert outcome (APPLIED or FAILED for the config it was sent back to; for agents that do not
 * report remote config status, its effective config). Nothing else changes an ended rollout.
 */
export function observeAfterEnd(recorder: Recorder, input: AgentObservation | Tick): void {
  if (input.type !== 'RemoteConfigStatusReported' && input.type !== 'EffectiveConfigReported') return;
  const agent = agentOf(recorder.draft, input.agentId);
  if (agent === undefined || agent.targetedAt === null) return;
  if (input.type === 'EffectiveConfigReported') {
    if (!agent.reportsRemoteConfig && input.hash !== null) revertOutcome(recorder, agent, input.hash, 'APPLIED', '');
    return;
  }
  if (input.hash === targetConfigOf(agent, recorder.draft.settings) && input.status === 'FAILED' && agent.failure === null && agent.appliedAt === null) {
    const collectorLog = collectorErrorsSince(recorder.facts.collectorErrors, agent.agentId, agent.targetedAt);
    emit(recorder, { type: 'AgentConfigFailed', agentId: agent.agentId, reason: 'apply_failed', ...reportedFailure(sincePush(input, agent.targetedAt), 'the agent reported FAILED', collectorLog) });
  }
  revertOutcome(recorder, agentOf(recorder.draft, input.agentId) ?? agent, input.hash, input.status, input.errorMessage);
}

function revertOutcome(recorder: Recorder, agent: AgentRecord, hash: string, status: RemoteConfigState, errorMessage: string): void {
  const revert = agent.revert;
  if (revert === null || revert.source === 'kept_new' || revert.outcome !== null || hash !== revert.configHash) return;
  if (status === 'APPLIED') emit(recorder, { type: 'AgentRevertApplied', agentId: agent.agentId, configHash: hash });
  else if (status === 'FAILED') emit(recorder, { type: 'AgentRevertFailed', agentId: agent.agentId, configHash: hash, detail: errorMessage !== '' ? errorMessage : 'the agent reported FAILED' });
}

/** Reverts sent that no report has answered yet. */
export function openReverts(state: RolloutState): number {
  return rolloutAgents(state).filter((agent) => agent.revert !== null && agent.revert.source !== 'kept_new' && agent.revert.outcome === null).length;
}

/**
 * Until when an ended rollout still wants its agents' reports: while a revert is open (at most
 * REVERT_WATCH_MS after the end), else for the apply timeout (at least a minute) after the end.
 * Null for a rollout that has not ended.
 */
export function lateReportsUntil(state: RolloutState): number | null {
  if (state.endedAt === null) return null;
  if (openReverts(state) > 0) return state.endedAt + REVERT_WATCH_MS;
  return state.endedAt + Math.max(LATE_REPORT_MIN_MS, state.settings.timing.applyTimeoutMs);
}
