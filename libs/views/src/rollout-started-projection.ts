import type { ViewWrite } from '@roost/ports';
import { describeSize, type RolloutStarted } from '@roost/rollout';
import { describeTarget } from '@roost/fleet';
import { enrolledFacts, settle } from './agent-outcome';
import { transitionWrite } from './transitions';
import { rolloutKeys, rolloutListKeys } from './view-keys';

/** The group a rollout targets, or '' for a label selector (the original status's `group`). */
export function groupOf(event: RolloutStarted): string {
  return event.settings.target.kind === 'group' ? event.settings.target.group : '';
}

/**
 * A rollout's first writes: its settings and plan, every member waiting, one hash per phase,
 * and its place in the lists. Members are written in bulk (one write per key, not per agent),
 * so a start over 100k agents stays one atomic batch of a handful of commands.
 */
export function projectRolloutStarted(event: RolloutStarted): ViewWrite[] {
  const { rolloutId, settings } = event;
  const at = event.at;
  const group = groupOf(event);
  const status = rolloutKeys.status(rolloutId);
  const outcomes = event.agents.map((agent) => settle(null, enrolledFacts(agent, at), at));
  const writes: ViewWrite[] = [
    {
      op: 'hset',
      key: status,
      fields: {
        id: rolloutId,
        group,
        target: describeTarget(settings.target),
        target_json: JSON.stringify(settings.target),
        config_hash: settings.configHash,
        plan: JSON.stringify(settings.plan),
        phase_count: String(settings.plan.length),
        threshold: String(settings.threshold),
        min_outcome_ratio: String(settings.minOutcomeRatio),
        policy: settings.policy,
        disconnected_policy: settings.disconnectedPolicy,
        baseline_config_hash: settings.baselineConfigHash ?? '',
        accept_keep_new: String(settings.acceptKeepNewOnFailure),
        stratify_by: settings.stratifyBy ?? '',
        timing: JSON.stringify(settings.timing),
        matched: String(event.matched),
        status: 'pending',
        current_phase: '',
        phase_index: '-1',
        awaiting_approval: 'false',
        paused_by: '',
        failure_reason: '',
        started_at: String(at),
        updated_at: String(at),
        version: '1',
      },
    },
  ];
  if (outcomes.length > 0) {
    writes.push({ op: 'hincrby', key: status, field: 'agents.waiting', by: outcomes.length });
    writes.push({ op: 'hset', key: rolloutKeys.agents(rolloutId), fields: Object.fromEntries(outcomes.map((o) => [o.agentId, JSON.stringify(o)])) });
    writes.push({ op: 'zadd', key: rolloutKeys.agentIndex(rolloutId), members: outcomes.map((o) => ({ member: o.agentId, score: 0 })) });
    writes.push({ op: 'zadd', key: rolloutKeys.agentsInState(rolloutId, 'waiting'), members: outcomes.map((o) => ({ member: o.agentId, score: at })) });
  }
  settings.plan.forEach((phase, index) => {
    writes.push({
      op: 'hset',
      key: rolloutKeys.phase(rolloutId, index),
      fields: {
        index: String(index),
        name: phase.name,
        size: describeSize(phase.size),
        size_json: JSON.stringify(phase.size),
        window_ms: String(phase.windowMs),
        require_approval: String(phase.requireApproval),
        state: 'planned',
      },
    });
  });
  const listed = [{ member: rolloutId, score: at }];
  writes.push({ op: 'zadd', key: rolloutListKeys.all, members: listed });
  writes.push({ op: 'zadd', key: rolloutListKeys.byStatus('pending'), members: listed });
  if (group !== '') writes.push({ op: 'zadd', key: rolloutListKeys.byGroup(group), members: listed });
  writes.push(transitionWrite(event, { matched: event.matched, members: outcomes.length }));
  return writes;
}
