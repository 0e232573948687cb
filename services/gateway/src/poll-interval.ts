/**
 * How often an HTTP agent polls, as far as liveness is concerned. Agents that report heartbeats
 * are offered an interval (connection-settings-offer.ts), and opamp-go's HTTP client (the collector
 * supervisor's) then polls at it; others ignore the offer (the Elastic client polls every 30 s
 * whatever it is offered). So the offer is believed only once the agent has followed it: several
 * messages in a row, each about one offered interval after the previous one. Until then the
 * default poll interval holds, so a client that ignores the offer is never disconnected early.
 */

/** Polls in a row, each within [½, 1½] offered intervals of the previous message, that show the agent polls at the offer. */
export const ON_TIME_POLLS_TO_FOLLOW = 3;

/**
 * The count of on-time polls after a message that arrives at `now` on the same connection: one
 * more when the gap since the previous message fits the offered interval ([½, 1½] of it); the
 * same when it came early (a status report between polls); 0 when it came late (the agent polls
 * at its own pace), on a new connection, or with no offer.
 */
export function nextOnTimePolls(previous: { readonly onTimePolls: number; readonly lastSeenAt: number } | undefined, now: number, offeredSeconds: number, sameConnection: boolean): number {
  if (previous === undefined || !sameConnection || offeredSeconds <= 0) return 0;
  const gap = now - previous.lastSeenAt;
  const interval = offeredSeconds * 1000;
  if (gap < interval / 2) return previous.onTimePolls;
  return gap <= interval * 1.5 ? previous.onTimePolls + 1 : 0;
}

/** True once the agent has shown it polls at the offered interval. */
export function followsOffer(record: { readonly onTimePolls: number }): boolean {
  return record.onTimePolls >= ON_TIME_POLLS_TO_FOLLOW;
}
