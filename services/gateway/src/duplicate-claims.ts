/**
 * What to do when a WebSocket speaks for an instance uid that another open socket holds.
 *
 * Usually one agent reconnected and its old socket is not known dead yet: the newcomer
 * replaces it, and the old socket is closed. But when the holder itself took the uid over
 * from another live socket a moment ago, two live agents share the uid (a cloned VM, two
 * simulators started with one seed). Replacing again would only start the next round of a
 * storm — each round closes one of them, whose agent reconnects and replaces the other, with a
 * `connected` event every time. Then the newcomer is told to use a new uid instead
 * (`agent_identification.new_instance_uid`, as the protocol recommends for a duplicate), and
 * the holder keeps the uid. An agent whose fresh connection breaks again within the window,
 * before the gateway notices, is taken for a duplicate too: it gets a new uid, which the
 * protocol allows a server to assign at any time.
 */
export type SecondClaimAnswer = 'replace' | 'assign_new_uid';

/** A takeover younger than this makes the next claim a duplicate. */
export const DUPLICATE_WINDOW_MS = 10_000;

/**
 * `holderTookOverAt`: when the holding socket replaced another live socket for this uid
 * (null if it got the uid without replacing one).
 */
export function answerSecondClaim(holderTookOverAt: number | null, now: number, windowMs: number = DUPLICATE_WINDOW_MS): SecondClaimAnswer {
  return holderTookOverAt !== null && now - holderTookOverAt < windowMs ? 'assign_new_uid' : 'replace';
}
