import { gatewayPresenceContract } from '@roost/contracts';
import type { KeyValueStore, KvEntry, Logger, Subscription } from '@roost/ports';
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
        if (liveness.refreshed(presence, entry.revision)) {
          logger.info({ gatewayId: presence.gatewayId }, 'gateway is back');
          callbacks.revived(presence.gatewayId);
        }
      } catch (error) {
        logger.warn({ key: entry.key, err: String(error) }, 'ignored a gateway presence entry that breaks its contract');
      }
    },
    { includeInitial: true },
  );
  let sweeping = false;
  let blind = false;
  /**
   * A gateway silent in the watch is judged gone only once the bucket itself, read now, shows
   * no newer refresh: a watch that lost its consumer (a NATS node lost) hears nothing from any
   * gateway, and counting every agent disconnected then would let gates pass without them.
   * While the bucket cannot be read, no gateway is judged.
   */
  const sweep = async (): Promise<void> => {
    for (const gatewayId of liveness.silent()) {
      let entry: KvEntry | null;
      try {
        entry = await bucket.get(gatewayId);
      } catch (error) {
        if (!blind) logger.warn({ gatewayId, err: String(error) }, 'cannot read gateway presence; no gateway is judged gone until it can be read');
        blind = true;
        return;
      }
      if (blind) logger.info({}, 'gateway presence readable again');
      blind = false;
      // The watch may have heard a refresh while the read was on its way (a process thawed with
      // refreshes queued): then it is not silent any more, whatever the read says.
      if (!liveness.isSilent(gatewayId)) continue;
      if (entry !== null && entry.revision > liveness.revisionOf(gatewayId)) {
        liveness.refreshed(gatewayPresenceContract.decode(entry.value), entry.revision);
        continue;
      }
      if (!liveness.expire(gatewayId)) continue;
      logger.warn({ gatewayId }, 'gateway presence expired; its agents count as disconnected until they reconnect');
      callbacks.gone(gatewayId);
    }
  };
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweep()
      .catch((error: unknown) => logger.warn({ err: String(error) }, 'gateway presence sweep failed'))
      .finally(() => (sweeping = false));
  }, sweepMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      watch.unsubscribe();
    },
  };
}
