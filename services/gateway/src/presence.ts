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

/**
 * Keeps `gateways/<gatewayId>` alive: written once before start resolves, then refreshed every
 * `refreshMs` (the bucket's TTL removes the entry of a gateway that died).
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
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = write().then(
      () => {
        healthy = true;
      },
      (error: unknown) => {
        healthy = false;
        if (!stopped) options.logger.warn({ err: String(error), gatewayId: options.gatewayId }, 'gateway presence refresh failed');
      },
    );
  }, options.refreshMs);
  timer.unref();
  return {
    get healthy() {
      return healthy && !stopped;
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      await bucket.delete(options.gatewayId).catch((error: unknown) => {
        options.logger.warn({ err: String(error) }, 'could not delete gateway presence');
      });
    },
  };
}
