import type { RolloutSummaryReply } from '@roost/contracts';
import type { Notify } from '@roost/rollout';

/** The JSON a webhook receives: `text` for Slack-compatible incoming webhooks, the facts beside it. */
export interface WebhookPayload {
  readonly text: string;
  readonly kind: Notify['kind'];
  readonly rolloutId: string;
  readonly at: number;
  readonly rollout: RolloutSummaryReply | null;
}

export function webhookPayload(notification: Notify, at: number, rollout: RolloutSummaryReply | null): WebhookPayload {
  return { text: `Roost: ${notification.message}`, kind: notification.kind, rolloutId: notification.rolloutId, at, rollout };
}

/** Whether a delivery that got this HTTP status (or none: network error) should be tried again. */
export function retryable(status: number | null): boolean {
  return status === null || status === 408 || status === 429 || status >= 500;
}

/** Wait before attempt `attempt` (2, 3, …): exponential from `baseMs`, capped at 30 s, with ±20 % jitter from `random` in [0, 1). */
export function backoffMs(attempt: number, baseMs: number, random: number): number {
  const plain = Math.min(30_000, baseMs * 2 ** (attempt - 2));
  return Math.round(plain * (0.8 + 0.4 * random));
}
