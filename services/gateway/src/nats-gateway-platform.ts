import { connectNats, createNatsEventStore, createNatsKeyValueBuckets, createNatsMessageBus, ensureTopology } from '@roost/platform-nats';
import type { Logger } from '@roost/ports';
import type { GatewayPlatform } from './start-gateway';

export type ClosableGatewayPlatform = GatewayPlatform & { close(): Promise<void> };

/**
 * The ports the gateway needs, on NATS: bus, JetStream event store and KV. Makes sure the
 * topology exists (idempotent). No view store: the gateway reads no Redis views.
 */
export async function connectNatsGatewayPlatform(url: string, logger: Logger, name = 'roost-gateway'): Promise<ClosableGatewayPlatform> {
  const client = await connectNats({ url, name, logger });
  try {
    await ensureTopology(client.nc, { logger });
    return {
      bus: createNatsMessageBus(client.nc, logger),
      events: await createNatsEventStore(client.nc, { logger }),
      kv: createNatsKeyValueBuckets(client.nc, { logger }),
      health: async () => [client.health()],
      close: () => client.close(),
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}
