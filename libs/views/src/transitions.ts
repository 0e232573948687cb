import type { ViewWrite } from '@roost/ports';
import type { RolloutEvent } from '@roost/rollout';
import { rolloutKeys } from './view-keys';

/** One step of a rollout's life (start, phase changes, pauses, the end), as the views list it. */
export interface RolloutTransition {
  /** The event's position in the rollout's history (the `<n>` of its id). */
  readonly n: number;
  readonly type: RolloutEvent['type'];
  readonly at: number;
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

/** `<rolloutId>/<n>` → n; 0 when the id has another shape. */
export function eventNumber(event: Pick<RolloutEvent, 'id'>): number {
  const n = Number(event.id.slice(event.id.lastIndexOf('/') + 1));
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export function transitionWrite(event: RolloutEvent, details: RolloutTransition['details']): ViewWrite {
  const transition: RolloutTransition = { n: eventNumber(event), type: event.type, at: event.at, details };
  return { op: 'zadd', key: rolloutKeys.transitions(event.rolloutId), members: [{ member: JSON.stringify(transition), score: transition.n }] };
}
