import { connectNats, createNatsEventStore, createNatsKeyValueBuckets, createNatsMessageBus, ensureTopology } from '@roost/platform-nats';
import type { Logger } from '@roost/ports';
import type { OrchestratorPlatform } from './start-orchestrator';

export type ClosableOrchestratorPlatform = OrchestratorPlatform & { close(): Promise<void> };

/** Bus, JetStream event store and KV on one NATS connection; the topology is ensured (idempotent). */
export async function connectNatsOrchestratorPlatform(url: string, logger: Logger, name = 'roost-orchestrator'): Promise<ClosableOrchestratorPlatform> {
  const client = await connectNats({ url, name, logger });
  try {
    await ensureTopology(client.nc, { logger });
    return {
      bus: createNatsMessageBus(client.nc, logger),
      events: await createNatsEventStore(client.nc, { logger }),
      kv: createNatsKeyValueBuckets(client.nc, { logger }),
      close: () => client.close(),
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}
