import { assertNever } from './assert-never';
import { emit, notify, type Recorder } from './decision';
import { rolloutError, type RolloutError } from './errors';
import { passPhase, progress } from './gate';
import type { AbortRollout, OperatorAction, PauseRollout, PromoteRollout, ResumeRollout, RollbackRollout } from './inputs';
import { fillPhase } from './phase';
import { releaseUnapplied } from './release';
import { rollBack } from './rollback';
import { currentPhase, windowEndsAt, type RolloutStatus } from './state';

/**
 * Operator actions. Repeating an action whose end state already holds (pause a paused
 * rollout, abort an aborted one) is accepted and changes nothing, so retried commands are
 * safe; anything else outside the state machine is `transition.illegal`.
 */
export function decideOperatorAction(recorder: Recorder, command: OperatorAction): RolloutError | null {
  switch (command.type) {
    case 'PauseRollout':
      return pause(recorder, command);
    case 'ResumeRollout':
      return resume(recorder, command);
    case 'PromoteRollout':
      return promote(recorder, command);
    case 'AbortRollout':
      return abort(recorder, command);
    case 'RollbackRollout':
      return rollback(recorder, command);
    default:
      return assertNever(command);
  }
}

function pause(recorder: Recorder, command: PauseRollout): RolloutError | null {
  const status = recorder.draft.status;
  if (status === 'paused') return null;
  if (status !== 'in_progress') return illegal(status, command, 'only a rollout in progress can be paused');
  emit(recorder, { type: 'RolloutPaused', cause: 'operator', reason: command.reason ?? null, actor: command.actor ?? null });
  notify(recorder, 'paused', `rollout ${command.rolloutId} paused by ${command.actor ?? 'an operator'}${command.reason === undefined ? '' : `: ${command.reason}`}`);
  return null;
}

function resume(recorder: Recorder, command: ResumeRollout): RolloutError | null {
  const { draft } = recorder;
  if (draft.status === 'in_progress') return null;
  if (draft.status !== 'paused') return illegal(draft.status, command, 'only a paused rollout can be resumed');
  if (draft.pause?.cause === 'phase_failed') {
    return illegal(draft.status, command, `phase ${currentPhase(draft).name} failed; promote to continue anyway, roll back, or abort`);
  }
  const pausedMs = draft.pause === null ? 0 : Math.max(0, recorder.now - draft.pause.at);
  const windowEnd = windowEndsAt(draft, recorder.now);
  emit(recorder, { type: 'RolloutResumed', reason: command.reason ?? null, phase: draft.phaseIndex, pausedMs, ...(windowEnd === null ? {} : { windowEndsAt: windowEnd }) });
  fillPhase(recorder, true);
  progress(recorder);
  return null;
}

/** Ends the current window early, or approves a phase waiting for approval; a failed phase is passed as an explicit override. */
function promote(recorder: Recorder, command: PromoteRollout): RolloutError | null {
  const { draft } = recorder;
  if (draft.status !== 'in_progress' && draft.status !== 'paused') return illegal(draft.status, command, 'only a rollout in progress or paused can be promoted');
  emit(recorder, { type: 'RolloutPromoted', phase: draft.phaseIndex, reason: command.reason ?? null });
  passPhase(recorder, 'promote');
  progress(recorder);
  return null;
}

function abort(recorder: Recorder, command: AbortRollout): RolloutError | null {
  const status = recorder.draft.status;
  if (status === 'aborted') return null;
  if (status !== 'in_progress' && status !== 'paused' && status !== 'pending') return illegal(status, command, 'the rollout has already ended');
  const released = releaseUnapplied(recorder);
  emit(recorder, { type: 'RolloutAborted', reason: command.reason ?? null });
  const back = released > 0 ? `; ${released} that had not applied it go back to the config they ran` : '';
  notify(recorder, 'aborted', `rollout ${command.rolloutId} aborted: agents that applied the config keep it${back}${command.reason === undefined ? '' : `: ${command.reason}`}`);
  return null;
}

function rollback(recorder: Recorder, command: RollbackRollout): RolloutError | null {
  const status = recorder.draft.status;
  if (status === 'rolled_back') return null;
  if (status !== 'in_progress' && status !== 'paused' && status !== 'pending') return illegal(status, command, 'the rollout has already ended');
  rollBack(recorder, 'operator', command.reason ?? null);
  return null;
}

function illegal(from: RolloutStatus, command: OperatorAction, why: string): RolloutError {
  return rolloutError('transition.illegal', `cannot ${verb(command)} rollout ${command.rolloutId} (${from}): ${why}`, { from, action: command.type });
}

function verb(command: OperatorAction): string {
  return command.type.replace('Rollout', '').toLowerCase();
}
