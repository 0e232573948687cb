import { PortError } from '@roost/ports';

/**
 * A consumer on the server that leads its stream. On a cluster the server places a new consumer
 * with any copy of the stream: one on a copy that trails the leader can miss events already
 * appended, and one on a lost node never answers its creation (the creation times out). With
 * one node of three lost, a creation lands on the leader one time in three and on the lost node
 * one time in three, so tried one after another the timeouts add up (seconds, tens of seconds in
 * a bad run). So the first creation goes alone (on a single server, or a healthy cluster that
 * placed it well, that is all), and after a miss they go several at a time: the first on the
 * leader is taken, the rest are dropped as they answer.
 */
export interface LeaderPlacement<C> {
  /** One creation; rejects when it gets no answer (a lost node). */
  create(): Promise<C>;
  /** The server the created consumer lives on, if the server said. */
  placedOn(consumer: C): string | undefined;
  /** Deletes a consumer not taken. */
  drop(consumer: C): Promise<unknown>;
  /** The stream's leader now. */
  leader(): Promise<string | undefined>;
}

export interface PlacementLimits {
  /** Creations at once after the first one missed. */
  readonly width: number;
  /** How long to keep asking for the leader. */
  readonly budgetMs: number;
  /** Past the budget, take a consumer on any copy that answers (a follower can bear a trailing copy; a read of history cannot). */
  readonly anyCopyAfterBudget: boolean;
}

export const FOLLOWER_PLACEMENT: PlacementLimits = { width: 3, budgetMs: 30_000, anyCopyAfterBudget: true };
export const READ_PLACEMENT: PlacementLimits = { width: 3, budgetMs: 30_000, anyCopyAfterBudget: false };

/**
 * Rounds of `width` creations until one lands with the stream's leader, or, once the budget is
 * spent and the limits allow it, one lands anywhere that answers. Past the budget it rejects with
 * the last creation error, or with a PortError saying no consumer landed on the leader.
 */
export async function placeOnLeader<C>(placement: LeaderPlacement<C>, limits: PlacementLimits): Promise<C> {
  const deadline = Date.now() + limits.budgetMs;
  for (let width = 1; ; width = limits.width) {
    const lastChance = Date.now() >= deadline;
    const round = await placementRound(placement, width, lastChance && limits.anyCopyAfterBudget);
    if (round.taken !== undefined) return round.taken;
    if (lastChance) throw round.error ?? new PortError('unavailable', `no consumer landed on the stream's leader in ${limits.budgetMs} ms; retry shortly`);
  }
}

interface Round<C> {
  readonly taken?: C;
  readonly error?: unknown;
}

function placementRound<C>(placement: LeaderPlacement<C>, width: number, takeAny: boolean): Promise<Round<C>> {
  // Asked once per round, and only once a consumer names where it lives.
  let leaderNow: Promise<string | undefined> | undefined;
  const leader = () => (leaderNow ??= placement.leader().catch(() => undefined));
  return new Promise((resolve) => {
    let taken: C | undefined;
    let unsettled = width;
    let error: unknown;
    const settled = () => {
      unsettled -= 1;
      if (unsettled === 0 && taken === undefined) resolve({ error });
    };
    for (let i = 0; i < width; i += 1) {
      placement
        .create()
        .then(async (consumer) => {
          // A server outside a cluster names no placement: it is the leader.
          const placedOn = placement.placedOn(consumer);
          const onLeader = placedOn === undefined || placedOn === (await leader());
          if (taken === undefined && (onLeader || takeAny)) {
            taken = consumer;
            resolve({ taken });
          } else {
            await placement.drop(consumer).catch(() => undefined);
          }
        })
        .catch((failure: unknown) => {
          error = failure;
        })
        .finally(settled);
    }
  });
}
