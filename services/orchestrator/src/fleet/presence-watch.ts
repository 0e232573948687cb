import { gatewayPresenceContract } from '@roost/contracts';
import type { KeyValueStore, Logger, Subscription } from '@roost/ports';
import type { GatewayLiveness } from './gateway-liveness';

export interface PresenceCallbacks {
  /** The gateway stopped or went silent: its agents are disconnected unless they moved. */
  gone(gatewayId: string): void;
  /** A gateway judged gone refreshes again. */
  revived(gatewayId: string): void;
}

/**
 * Watches the `gateways` bucket and sweeps for silent gateways (nats-server reports no TTL
 * expiry, so silence is measured here).
 */
export async function watchGatewayPresence(
  bucket: KeyValueStore,
  liveness: GatewayLiveness,
  sweepMs: number,
  callbacks: PresenceCallbacks,
  logger: Logger,
): Promise<{ stop(): void }> {
  const watch: Subscription = await bucket.watch(
    (entry) => {
      if (entry.operation !== 'PUT') {
        if (liveness.removed(entry.key)) {
          logger.info({ gatewayId: entry.key }, 'gateway removed its presence; its agents count as disconnected');
          callbacks.gone(entry.key);
        }
        return;
      }
      try {
        const presence = gatewayPresenceContract.decode(entry.value);
        if (liveness.refreshed(presence)) {
          logger.info({ gatewayId: presence.gatewayId }, 'gateway is back');
          callbacks.revived(presence.gatewayId);
        }
      } catch (error) {
        logger.warn({ key: entry.key, err: String(error) }, 'ignored a gateway presence entry that breaks its contract');
      }
    },
    { includeInitial: true },
  );
  const timer = setInterval(() => {
    for (const gatewayId of liveness.sweep()) {
      logger.warn({ gatewayId }, 'gateway presence expired; its agents count as disconnected until they reconnect');
      callbacks.gone(gatewayId);
    }
  }, sweepMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      watch.unsubscribe();
    },
  };
}
