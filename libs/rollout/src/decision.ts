import type { DesiredConfigAssignment, Notify, NotificationKind, RolloutEffect } from './effects';
import type { RolloutError } from './errors';
import { ROLLOUT_EVENT_SCHEMA_VERSION, type EventBody, type RolloutEvent } from './rollout-events';
import { applyEvent } from './evolve';
import { nextDeadline } from './deadlines';
import { draftState, isActive, sealState, type DraftState, type RolloutState } from './state';

/**
 * The answer of `decide`: the events to append (in order) and the effects to carry out once
 * they are stored, plus the state those events lead to (equal to folding `evolve` over them).
 */
export type Decision =
  | { readonly ok: true; readonly events: readonly RolloutEvent[]; readonly effects: readonly RolloutEffect[]; readonly state: RolloutState | null }
  | { readonly ok: false; readonly error: RolloutError };

/** One decision in the making: every emitted event is applied at once, so later rules see it. */
export interface Recorder {
  readonly draft: DraftState;
  readonly now: number;
  readonly events: RolloutEvent[];
  /** Desired-config writes in order; a later write for the same agent replaces an earlier one. */
  readonly assignments: Map<string, string>;
  readonly notifications: Notify[];
}

export function beginRecorder(state: RolloutState, now: number): Recorder {
  return { draft: draftState(state), now, events: [], assignments: new Map(), notifications: [] };
}

export function emit(recorder: Recorder, body: EventBody): void {
  const { draft } = recorder;
  const rolloutId = draft.settings.rolloutId;
  // The envelope goes after the type so stored JSON reads `type` first.
  const { type, ...fields } = body;
  const event = {
    type,
    schemaVersion: ROLLOUT_EVENT_SCHEMA_VERSION,
    id: eventId(rolloutId, draft.version + 1),
    rolloutId,
    at: recorder.now,
    ...fields,
  } as RolloutEvent;
  applyEvent(draft, event);
  recorder.events.push(event);
}

export function eventId(rolloutId: string, position: number): string {
  return `${rolloutId}/${position}`;
}

export function assign(recorder: Recorder, agentId: string, configHash: string): void {
  recorder.assignments.delete(agentId);
  recorder.assignments.set(agentId, configHash);
}

export function notify(recorder: Recorder, kind: NotificationKind, message: string): void {
  recorder.notifications.push({ type: 'Notify', rolloutId: recorder.draft.settings.rolloutId, kind, message });
}

/**
 * Seals the decision. Timers: a decision that changed something, or a Tick, re-arms the
 * rollout's single timer at its next deadline; the decision that ends the rollout disarms it.
 */
export function finishRecorder(recorder: Recorder, wasActive: boolean, isTick: boolean): Decision {
  const state = sealState(recorder.draft);
  const rolloutId = state.settings.rolloutId;
  const effects: RolloutEffect[] = [];
  if (recorder.assignments.size > 0) {
    const assignments: DesiredConfigAssignment[] = [...recorder.assignments].map(([agentId, configHash]) => ({ agentId, configHash }));
    effects.push({ type: 'SetDesiredConfig', rolloutId, assignments });
  }
  effects.push(...recorder.notifications);
  if (isActive(state.status)) {
    const at = recorder.events.length > 0 || isTick ? nextDeadline(state, recorder.now) : null;
    if (at !== null) effects.push({ type: 'ArmTimer', rolloutId, at });
  } else if (wasActive) {
    effects.push({ type: 'DisarmTimer', rolloutId });
  }
  return { ok: true, events: recorder.events, effects, state };
}
