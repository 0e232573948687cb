import type { ViewWrite } from '@roost/ports';
import { describeSize, type RolloutStarted, type UndoStarted } from '@roost/rollout';
import { describeTarget } from '@roost/fleet';
import { transitionWrite } from './transitions';
import { rolloutKeys, rolloutListKeys } from './view-keys';

/** An undo links both ways: `undo_of` on it, `undone_by` on the rollout it undoes (the latest undo, when several). */
export function projectUndoStarted(event: UndoStarted): ViewWrite[] {
  return [
    { op: 'hset', key: rolloutKeys.status(event.rolloutId), fields: { undo_of: event.undoOf } },
    { op: 'hset', key: rolloutKeys.status(event.undoOf), fields: { undone_by: event.rolloutId } },
  ];
}

/** The group a rollout targets, or '' for a label selector (the original status's `group`). */
export function groupOf(event: RolloutStarted): string {
  return event.settings.target.kind === 'group' ? event.settings.target.group : '';
}

/**
 * A rollout's first writes: its settings and plan, one hash per phase, and its place in the
 * lists. Its members follow in AgentsEnrolled events (see projectEnrolment).
 */
export function projectRolloutStarted(event: RolloutStarted): ViewWrite[] {
  const { rolloutId, settings } = event;
  const at = event.at;
  const group = groupOf(event);
  const status = rolloutKeys.status(rolloutId);
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
        eligible: String(event.eligible),
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
  writes.push(transitionWrite(event, { matched: event.matched, eligible: event.eligible }));
  return writes;
}
