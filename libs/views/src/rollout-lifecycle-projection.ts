import type { ViewWrite } from '@roost/ports';
import { describeDataPlaneFailure, type DataPlaneJudgement, type GateFigures, type RolloutEvent, type RolloutStatus } from '@roost/rollout';
import { assertNever } from './assert-never';
import type { FragmentReader, FragmentRef } from './fragments';
import { transitionWrite } from './transitions';
import { rolloutKeys, rolloutListKeys } from './view-keys';

/** Rollout events about the rollout as a whole, after its start. */
export type LifecycleEvent = Extract<
  RolloutEvent,
  {
    type:
      | 'PhaseStarted'
      | 'PhaseWaitingForData'
      | 'PhaseAwaitingApproval'
      | 'PhasePassed'
      | 'PhaseFailed'
      | 'RolloutPaused'
      | 'RolloutResumed'
      | 'RolloutPromoted'
      | 'RolloutCompleted'
      | 'RolloutRolledBack'
      | 'RolloutAborted'
      | 'RolloutFailed';
  }
>;

/** What a lifecycle event reads: the status it moves from, the start time lists are scored by, names for the failure text. */
export function lifecycleReads(event: LifecycleEvent): FragmentRef[] {
  const status = rolloutKeys.status(event.rolloutId);
  const refs: FragmentRef[] = [
    { key: status, field: 'status' },
    { key: status, field: 'started_at' },
  ];
  if (event.type === 'PhaseFailed') {
    refs.push({ key: rolloutKeys.phase(event.rolloutId, event.phase), field: 'name' }, { key: status, field: 'threshold' });
  }
  return refs;
}

function statusAfter(event: LifecycleEvent, before: RolloutStatus | null): RolloutStatus | null {
  switch (event.type) {
    case 'PhaseStarted':
    case 'RolloutResumed':
    case 'RolloutPromoted':
      return 'in_progress';
    case 'RolloutPaused':
      return 'paused';
    case 'RolloutCompleted':
      return 'completed';
    case 'RolloutRolledBack':
      return 'rolled_back';
    case 'RolloutAborted':
      return 'aborted';
    case 'RolloutFailed':
      return 'failed';
    case 'PhaseWaitingForData':
    case 'PhaseAwaitingApproval':
    case 'PhasePassed':
    case 'PhaseFailed':
      return before;
    default:
      return assertNever(event);
  }
}

function gateJson(figures: GateFigures & { readonly dataPlane?: DataPlaneJudgement }): string {
  const { population, applied, failed, pending, disconnected, allowedFailures: allowed, dataPlane } = figures;
  return JSON.stringify({ population, applied, failed, pending, disconnected, allowedFailures: allowed, ...(dataPlane === undefined ? {} : { dataPlane }) });
}

/** The status hash fields, the phase hash fields and the transition details an event sets. */
interface LifecycleFields {
  readonly status: Record<string, string>;
  readonly phase?: { readonly index: number; readonly fields: Record<string, string> };
  readonly details: Record<string, string | number | boolean | null>;
}

function fieldsOf(event: LifecycleEvent, fragments: FragmentReader): LifecycleFields {
  const at = String(event.at);
  switch (event.type) {
    case 'PhaseStarted':
      return {
        status: { current_phase: event.name, phase_index: String(event.phase), phase_started_at: at, awaiting_approval: 'false' },
        phase: {
          index: event.phase,
          fields: { state: 'running', started_at: at, window_ends_at: String(event.at + event.windowMs), allowance: String(event.allowance), window_ms: String(event.windowMs) },
        },
        details: { phase: event.phase, name: event.name, allowance: event.allowance, windowMs: event.windowMs },
      };
    case 'PhaseWaitingForData':
      // The phase runs on; its gate shows the cohorts and what the data-plane gates wait for.
      return {
        status: {},
        phase: { index: event.phase, fields: { gate: gateJson(event) } },
        details: { phase: event.phase, waiting: event.dataPlane.waiting ?? '' },
      };
    case 'PhaseAwaitingApproval':
      return {
        status: { awaiting_approval: 'true', awaiting_approval_at: at },
        phase: { index: event.phase, fields: { state: 'awaiting_approval', awaiting_approval_at: at, gate: gateJson(event) } },
        details: { phase: event.phase, population: event.population, failed: event.failed },
      };
    case 'PhasePassed':
      return {
        status: { awaiting_approval: 'false' },
        phase: { index: event.phase, fields: { state: 'passed', ended_at: at, passed_by: event.by, gate: gateJson(event) } },
        details: { phase: event.phase, by: event.by, population: event.population, applied: event.applied, failed: event.failed },
      };
    case 'PhaseFailed': {
      const reason = phaseFailureText(event, fragments);
      return {
        status: { awaiting_approval: 'false', failure_reason: reason, failed_phase: String(event.phase), failure_reasons: JSON.stringify(event.reasons) },
        phase: { index: event.phase, fields: { state: 'failed', ended_at: at, gate: gateJson(event), failure_reasons: JSON.stringify(event.reasons) } },
        details: { phase: event.phase, population: event.population, failed: event.failed, allowedFailures: event.allowedFailures, reason },
      };
    }
    case 'RolloutPaused':
      return {
        status: { paused_at: at, paused_by: event.cause, pause_reason: event.reason ?? '', paused_by_actor: event.actor ?? '' },
        details: { cause: event.cause, reason: event.reason, ...(event.actor ? { actor: event.actor } : {}) },
      };
    case 'RolloutResumed':
      // The window was suspended while paused: the phase's window now ends later.
      return {
        status: { resumed_at: at, paused_by: '', pause_reason: '', paused_by_actor: '' },
        ...(event.phase !== undefined && event.windowEndsAt !== undefined ? { phase: { index: event.phase, fields: { window_ends_at: String(event.windowEndsAt) } } } : {}),
        details: { reason: event.reason, ...(event.pausedMs !== undefined ? { pausedMs: event.pausedMs } : {}) },
      };
    case 'RolloutPromoted':
      return { status: { promoted_at: at, paused_by: '', pause_reason: '', paused_by_actor: '', awaiting_approval: 'false' }, details: { phase: event.phase, reason: event.reason } };
    case 'RolloutCompleted':
      return { status: ended(at, 'completed_at'), details: { applied: event.applied, failed: event.failed, excluded: event.excluded } };
    case 'RolloutRolledBack':
      return {
        status: {
          ...ended(at, 'rolled_back_at'),
          rollback_cause: event.cause,
          rollback_reason: event.reason ?? '',
          reverted: String(event.reverted),
          kept_new: String(event.keptNew),
          ...(event.cause === 'operator' ? { failure_reason: `rolled back by an operator${event.reason ? `: ${event.reason}` : ''}` } : {}),
        },
        details: { cause: event.cause, reason: event.reason, reverted: event.reverted, keptNew: event.keptNew },
      };
    case 'RolloutAborted':
      return { status: { ...ended(at, 'aborted_at'), abort_reason: event.reason ?? '' }, details: { reason: event.reason } };
    case 'RolloutFailed':
      return { status: { ...ended(at, 'failed_at'), failure_reason: event.detail }, details: { reason: event.reason, detail: event.detail } };
    default:
      return assertNever(event);
  }
}

function ended(at: string, field: string): Record<string, string> {
  return { ended_at: at, [field]: at, awaiting_approval: 'false', paused_by: '', pause_reason: '', paused_by_actor: '' };
}

/** "phase early-adopters failed: 2 of 10 agents failed (apply_failed 2), 1 allowed at threshold 10%". */
function phaseFailureText(event: Extract<LifecycleEvent, { type: 'PhaseFailed' }>, fragments: FragmentReader): string {
  const name = fragments.read({ key: rolloutKeys.phase(event.rolloutId, event.phase), field: 'name' }) ?? String(event.phase);
  const threshold = Number(fragments.read({ key: rolloutKeys.status(event.rolloutId), field: 'threshold' }) ?? NaN);
  const reasons = Object.entries(event.reasons).map(([reason, count]) => `${reason} ${count}`).join(', ');
  const at = Number.isFinite(threshold) ? ` at threshold ${Math.round(threshold * 1000) / 10}%` : '';
  if (event.dataPlane !== undefined) return `phase ${name} failed its data-plane gate: ${describeDataPlaneFailure(event.dataPlane)}`;
  return `phase ${name} failed: ${event.failed} of ${event.population} agents failed${reasons === '' ? '' : ` (${reasons})`}, ${event.allowedFailures} allowed${at}`;
}

/** The writes of one lifecycle event: status fields, phase fields, status lists, the transition. */
export function projectLifecycleEvent(event: LifecycleEvent, fragments: FragmentReader): ViewWrite[] {
  const key = rolloutKeys.status(event.rolloutId);
  const before = fragments.read({ key, field: 'status' }) as RolloutStatus | null;
  const startedAt = Number(fragments.read({ key, field: 'started_at' }) ?? event.at);
  const after = statusAfter(event, before);
  const { status, phase, details } = fieldsOf(event, fragments);
  const statusFields = after === null ? status : { ...status, status: after };
  const writes: ViewWrite[] = Object.keys(statusFields).length === 0 ? [] : [{ op: 'hset', key, fields: statusFields }];
  if (phase !== undefined) writes.push({ op: 'hset', key: rolloutKeys.phase(event.rolloutId, phase.index), fields: phase.fields });
  if (after !== null && after !== before) {
    if (before !== null) writes.push({ op: 'zrem', key: rolloutListKeys.byStatus(before), members: [event.rolloutId] });
    writes.push({ op: 'zadd', key: rolloutListKeys.byStatus(after), members: [{ member: event.rolloutId, score: startedAt }] });
  }
  writes.push(transitionWrite(event, details));
  return writes;
}
