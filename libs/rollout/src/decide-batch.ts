import { decideSteps } from './decide';
import type { RolloutEffect } from './effects';
import type { RolloutError } from './errors';
import { FLEET_CAUGHT_UP, type DecisionFacts, type RolloutInput } from './inputs';
import type { RolloutEvent } from './rollout-events';
import type { RolloutState } from './state';
import { runSteps, type Steps } from './steps';

/**
 * One queued unit of work: its inputs, built from the state the items before it left (a
 * command is built at decision time, against the fleet as it is then).
 */
export type BatchItem = (state: RolloutState | null) => readonly RolloutInput[];

export interface BatchDecision {
  /** Every event of the batch, in order: stored together with one append. */
  readonly events: readonly RolloutEvent[];
  readonly effects: readonly RolloutEffect[];
  /** The state after the whole batch (equal to folding `evolve` over `events`). */
  readonly state: RolloutState | null;
  /** Per item: null when every input was accepted, else the last refusal among its inputs. */
  readonly refusals: readonly (RolloutError | null)[];
  /** Why gates or deadlines due in this batch were held, if any were (see DecisionFacts). */
  readonly held: string | null;
  /** Why a phase whose window is over waits on (too few data-plane figures), after the last item; null when none does. */
  readonly waiting: string | null;
}

/**
 * Decides a batch of items of one rollout in order, each input against the state the inputs
 * before it left. A refused input changes nothing and the batch goes on.
 */
export function decideBatch(state: RolloutState | null, items: readonly BatchItem[], facts: DecisionFacts = FLEET_CAUGHT_UP): BatchDecision {
  return runSteps(decideBatchSteps(state, items, facts));
}

/** decideBatch in steps (see Steps): it pauses after each item, and where a decision pauses (a start). */
export function* decideBatchSteps(state: RolloutState | null, items: readonly BatchItem[], facts: DecisionFacts = FLEET_CAUGHT_UP): Steps<BatchDecision> {
  let current = state;
  let held: string | null = null;
  let waiting: string | null = null;
  const events: RolloutEvent[] = [];
  const effects: RolloutEffect[] = [];
  const refusals: (RolloutError | null)[] = [];
  for (const build of items) {
    let refusal: RolloutError | null = null;
    for (const input of build(current)) {
      const decision = yield* decideSteps(current, input, facts);
      if (!decision.ok) {
        refusal = decision.error;
        continue;
      }
      held = decision.held ?? held;
      waiting = decision.waiting ?? null;
      current = decision.state ?? current;
      events.push(...decision.events);
      effects.push(...decision.effects);
    }
    refusals.push(refusal);
    yield;
  }
  return { events, effects, state: current, refusals, held, waiting };
}
