import { collectorErrorsSince, reportedFailure, sincePush } from './failure-detail';
import { matchesTarget } from '@roost/fleet';
import { classify, type AgentRecord } from './agent-record';
import { emit, type Recorder } from './decision';
import { enrol, skipReason } from './eligibility';
import { expireAgent } from './expiry';
import type { AgentConnected, AgentDescribed, AgentDisconnected, EffectiveConfigReported, HealthReported, RemoteConfigStatusReported } from './inputs';
import { admitLate, excludeAgent } from './phase';
import { agentOf } from './state';
import { targetConfigOf } from './target-config';

/**
 * An agent (re)connected or changed its description. Members that no longer match the target
 * are excluded; matching non-members join when eligible, or are recorded as skipped with the
 * reason; members that come back are restored and may be taken mid-phase. An undo has no
 * target to join or leave: its members are the agents it started with, and no one joins it
 * (only the start knew where each agent goes back to).
 */
export function observeAgent(recorder: Recorder, input: AgentConnected | AgentDescribed): void {
  const { draft } = recorder;
  const agentId = input.agent.agentId;
  const connected = input.type === 'AgentConnected' ? true : input.agent.connected;
  const record = agentOf(draft, agentId);
  const isUndo = draft.undoOf !== null;
  if (isUndo && record?.membership !== 'member') return;
  const matches = isUndo || matchesTarget(draft.settings.target, input.agent);
  if (record?.membership === 'member') {
    if (!matches) {
      if (record.exclusion === null) excludeAgent(recorder, agentId, 'left_target');
      return;
    }
    expireAgent(recorder, agentId);
    if (connected && !record.connected) emit(recorder, { type: 'AgentConnectionRestored', agentId });
    if (!connected && record.connected) emit(recorder, { type: 'AgentConnectionLost', agentId });
    admitLate(recorder, agentId);
    return;
  }
  if (!matches) return;
  const agent = { ...input.agent, connected };
  const reason = skipReason(agent, input.previousConfigHash, input.lockedBy, draft.settings, input.unknownConfigHash ?? null);
  if (reason !== null) {
    const lockedBy = reason === 'locked_by_other_rollout' ? input.lockedBy : null;
    if (record?.skip?.reason !== reason || record.skip.lockedBy !== lockedBy) emit(recorder, { type: 'AgentSkipped', agentId, reason, lockedBy });
    return;
  }
  emit(recorder, { type: 'AgentJoined', agent: enrol(agent, input.previousConfigHash, draft.settings) });
  admitLate(recorder, agentId);
}

export function observeDisconnected(recorder: Recorder, input: AgentDisconnected): void {
  const record = agentOf(recorder.draft, input.agentId);
  if (record?.membership !== 'member' || !record.connected) return;
  expireAgent(recorder, input.agentId);
  emit(recorder, { type: 'AgentConnectionLost', agentId: input.agentId });
}

/**
 * Remote config status of a targeted agent. FAILED for the new hash fails it; APPLYING marks it
 * received; APPLIED marks it applied. APPLIED for another hash after it had seen the new one
 * is a self-rollback (e.g. the collector supervisor reverting on its own), a failure too.
 */
export function observeRemoteConfigStatus(recorder: Recorder, input: RemoteConfigStatusReported): void {
  const agent = observedTarget(recorder, input.agentId);
  if (agent === null) return;
  const configHash = targetConfigOf(agent, recorder.draft.settings);
  const agentId = input.agentId;
  if (input.hash === configHash) {
    if (input.status === 'FAILED') {
      const collectorLog = collectorErrorsSince(recorder.facts.collectorErrors, agentId, agent.targetedAt);
      emit(recorder, { type: 'AgentConfigFailed', agentId, reason: 'apply_failed', ...reportedFailure(sincePush(input, agent.targetedAt), 'the agent reported FAILED', collectorLog) });
    } else if (input.status === 'APPLYING' && agent.receivedAt === null) {
      emit(recorder, { type: 'AgentConfigReceived', agentId });
    } else if (input.status === 'APPLIED' && agent.appliedAt === null) {
      emit(recorder, { type: 'AgentConfigApplied', agentId, configHash, via: 'remote_config_status' });
    }
  } else if (input.status === 'APPLIED' && (agent.receivedAt !== null || agent.appliedAt !== null)) {
    emit(recorder, { type: 'AgentConfigFailed', agentId, reason: 'self_rollback', detail: `reported APPLIED for ${input.hash === '' ? 'no config' : input.hash} after receiving the new config` });
  }
  expireAgent(recorder, agentId);
}

/**
 * Health of a targeted agent. Reports observed before the push are stale and ignored; a
 * change of healthiness since the push is recorded (an unhealthy spell fails the agent once it
 * outlasts the health grace period).
 */
export function observeHealth(recorder: Recorder, input: HealthReported): void {
  const agent = observedTarget(recorder, input.agentId);
  if (agent === null || agent.targetedAt === null || input.observedAt < agent.targetedAt) return;
  if (agent.health === null || agent.health.healthy !== input.healthy) {
    emit(recorder, { type: 'AgentHealthChanged', agentId: input.agentId, healthy: input.healthy, lastError: input.lastError, componentErrors: input.componentErrors ?? [], observedAt: input.observedAt });
  }
  expireAgent(recorder, input.agentId);
}

/**
 * Effective config of a targeted agent that does not report remote config status: a matching
 * hash is its only sign of having applied the config, and moving away afterwards is a
 * self-rollback. Agents that report remote config status are judged by that instead.
 */
export function observeEffectiveConfig(recorder: Recorder, input: EffectiveConfigReported): void {
  const agent = observedTarget(recorder, input.agentId);
  if (agent === null || agent.reportsRemoteConfig) return;
  const configHash = targetConfigOf(agent, recorder.draft.settings);
  if (input.hash === configHash && agent.appliedAt === null) {
    emit(recorder, { type: 'AgentConfigApplied', agentId: input.agentId, configHash, via: 'effective_config' });
  } else if (input.hash !== null && input.hash !== configHash && agent.appliedAt !== null) {
    emit(recorder, { type: 'AgentConfigFailed', agentId: input.agentId, reason: 'self_rollback', detail: `effective config moved to ${input.hash} after applying the new config` });
  }
  expireAgent(recorder, input.agentId);
}

/** A targeted agent still being judged (deadlines already passed are applied first), or null. */
function observedTarget(recorder: Recorder, agentId: string): AgentRecord | null {
  if (agentOf(recorder.draft, agentId) === undefined) return null;
  expireAgent(recorder, agentId);
  const agent = agentOf(recorder.draft, agentId);
  if (agent === undefined) return null;
  const klass = classify(agent);
  return klass === 'pending' || klass === 'ready' || klass === 'disconnected' ? agent : null;
}
