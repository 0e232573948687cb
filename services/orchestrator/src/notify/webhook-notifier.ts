import type { Logger } from '@roost/ports';
import type { WebhookTarget } from '../orchestrator-options';
import { backoffMs, retryable, type WebhookPayload } from './webhook-payload';
import { signatureHeaders } from './webhook-signature';

export interface WebhookNotifierOptions {
  readonly targets: readonly WebhookTarget[];
  readonly attempts: number;
  readonly backoffMs: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Wall clock in ms (the signature's timestamp). Default Date.now. */
  readonly now?: () => number;
}

/**
 * Posts notifications to the configured webhooks, each target on its own, retrying network
 * errors, 408, 429 and 5xx with exponential backoff; other statuses are final. Delivery runs in
 * the background; `idle()` waits for it (tests, shutdown). A target with a secret gets each
 * attempt signed with that attempt's time.
 */
export class WebhookNotifier {
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: WebhookNotifierOptions) {}

  notify(payload: WebhookPayload): void {
    for (const target of this.options.targets) {
      if (target.kinds !== undefined && !target.kinds.includes(payload.kind)) continue;
      const delivery = this.deliver(target, payload).catch((error: unknown) => this.options.logger.error({ url: target.url, err: String(error) }, 'webhook delivery crashed'));
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops retrying; deliveries in flight end after their current attempt. */
  close(): void {
    this.closed = true;
  }

  private async deliver(target: WebhookTarget, payload: WebhookPayload): Promise<void> {
    const body = JSON.stringify(payload);
    const fields = { url: target.url, rolloutId: payload.rolloutId, kind: payload.kind };
    for (let attempt = 1; attempt <= this.options.attempts; attempt += 1) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, this.options.backoffMs, Math.random())));
      if (this.closed) return;
      let status: number | null = null;
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...target.headers,
            ...(target.secret === undefined ? {} : signatureHeaders(target.secret, (this.options.now ?? Date.now)() / 1000, body)),
          },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
      } catch (error) {
        this.options.logger.warn({ ...fields, attempt, err: String(error) }, 'webhook unreachable');
      }
      if (status !== null && status >= 200 && status < 300) {
        this.options.logger.info({ ...fields, attempt, status }, 'webhook delivered');
        return;
      }
      if (!retryable(status)) {
        this.options.logger.error({ ...fields, status }, 'webhook refused the notification; not retrying — check the URL and its credentials');
        return;
      }
    }
    this.options.logger.error({ ...fields, attempts: this.options.attempts }, 'webhook delivery gave up after every attempt; check that the receiver is up');
  }
}
