import { gatewayPresenceContract } from '@roost/contracts';
import type { KeyValueStore, Logger } from '@roost/ports';

export interface PresenceOptions {
  readonly gatewayId: string;
  readonly startedAt: number;
  readonly refreshMs: number;
  readonly endpoint: string | undefined;
  readonly now: () => number;
  readonly agentCount: () => number;
  readonly logger: Logger;
}

export interface Presence {
  /** True once an entry was written and the last refresh succeeded. */
  readonly healthy: boolean;
  /** Stops refreshing and deletes the entry (the TTL would remove it anyway). */
  stop(): Promise<void>;
}

/** After a failed refresh, the next try comes this soon (a fifth of the interval at most). */
const RETRY_AFTER_FAILURE_MS = 1_000;

/**
 * Keeps `gateways/<gatewayId>` alive: written once before start resolves, then refreshed every
 * `refreshMs` (the bucket's TTL removes the entry of a gateway that died). A refresh that fails
 * (on a cluster, the bucket's stream re-electing its leader after a node was lost) is tried again
 * within a second, not a whole interval later: orchestrators judge a gateway gone when its entry
 * is not refreshed in time, and would count every agent on a live gateway disconnected.
 */
export async function startPresence(bucket: KeyValueStore, options: PresenceOptions): Promise<Presence> {
  let healthy = false;
  let stopped = false;
  const write = async (): Promise<void> => {
    const now = options.now();
    await bucket.put(
      options.gatewayId,
      gatewayPresenceContract.encode({
        gatewayId: options.gatewayId,
        startedAt: options.startedAt,
        refreshedAt: now,
        agents: options.agentCount(),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      }),
    );
  };
  await write();
  healthy = true;
  const retryMs = Math.min(RETRY_AFTER_FAILURE_MS, Math.ceil(options.refreshMs / 5));
  let inFlight: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const refreshAfter = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      const startedAt = Date.now();
      inFlight = write().then(
        () => {
          healthy = true;
          refreshAfter(Math.max(0, options.refreshMs - (Date.now() - startedAt)));
        },
        (error: unknown) => {
          healthy = false;
          if (!stopped) options.logger.warn({ err: String(error), gatewayId: options.gatewayId, retryInMs: retryMs }, 'gateway presence refresh failed');
          refreshAfter(retryMs);
        },
      );
    }, delayMs);
    timer.unref();
  };
  refreshAfter(options.refreshMs);
  return {
    get healthy() {
      return healthy && !stopped;
    },
    stop: async () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await inFlight;
      await bucket.delete(options.gatewayId).catch((error: unknown) => {
        options.logger.warn({ err: String(error) }, 'could not delete gateway presence');
      });
    },
  };
}
