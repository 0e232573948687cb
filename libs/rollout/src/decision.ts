import type { DesiredConfigAssignment, Notify, NotificationKind, RolloutEffect } from './effects';
import { DATA_RECHECK_MS, HELD_RECHECK_MS, type DecisionFacts } from './inputs';
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
  | {
      readonly ok: true;
      readonly events: readonly RolloutEvent[];
      readonly effects: readonly RolloutEffect[];
      readonly state: RolloutState | null;
      /** Why gates and deadlines were not judged (the fleet view is behind); absent when they were. */
      readonly held?: string;
      /** Why a phase whose window is over waits on (too few data-plane figures yet); absent otherwise. */
      readonly waiting?: string;
    }
  | { readonly ok: false; readonly error: RolloutError };

/** One decision in the making: every emitted event is applied at once, so later rules see it. */
export interface Recorder {
  readonly draft: DraftState;
  readonly now: number;
  readonly events: RolloutEvent[];
  /** Desired-config writes in order; a later write for the same agent replaces an earlier one. */
  readonly assignments: Map<string, string | null>;
  readonly notifications: Notify[];
  readonly facts: DecisionFacts;
  /** Set when a gate or deadline was due but not judged, with the reason. */
  held: string | null;
  /** Set when a phase's gates wait for data-plane figures, with the reason. */
  waiting: string | null;
}

export function beginRecorder(state: RolloutState, now: number, facts: DecisionFacts): Recorder {
  return { draft: draftState(state), now, events: [], assignments: new Map(), notifications: [], facts, held: null, waiting: null };
}

/** False (and the decision marked held) when gates and deadlines must wait for the fleet view. */
export function mayJudge(recorder: Recorder): boolean {
  if (recorder.facts.fleetCaughtUp) return true;
  recorder.held = 'the fleet view is behind the fleet event stream: gates and deadlines wait until it has caught up';
  return false;
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

export function assign(recorder: Recorder, agentId: string, configHash: string | null): void {
  recorder.assignments.delete(agentId);
  recorder.assignments.set(agentId, configHash);
}

export function notify(recorder: Recorder, kind: NotificationKind, message: string): void {
  recorder.notifications.push({ type: 'Notify', rolloutId: recorder.draft.settings.rolloutId, kind, message });
}

/**
 * Seals the decision. Timers: a decision that changed something, or a Tick, re-arms the
 * rollout's single timer at its next deadline (at once while a phase start's agents are still
 * to target); the decision that ends the rollout disarms it.
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
    const due = recorder.events.length > 0 || isTick ? nextDeadline(state, recorder.now) : null;
    // A phase start's agents still to target are taken on the next Tick, at once (see PhaseFill).
    const recheck = state.status !== 'in_progress' ? null : state.fill !== null ? 0 : recorder.held !== null ? HELD_RECHECK_MS : recorder.waiting !== null ? DATA_RECHECK_MS : null;
    const at = recheck !== null ? recorder.now + recheck : due;
    if (at !== null) effects.push({ type: 'ArmTimer', rolloutId, at });
  } else if (wasActive) {
    effects.push({ type: 'DisarmTimer', rolloutId });
  }
  return { ok: true, events: recorder.events, effects, state, ...(recorder.held === null ? {} : { held: recorder.held }), ...(recorder.waiting === null ? {} : { waiting: recorder.waiting }) };
}
