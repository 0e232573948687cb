import { connectNatsPlatform } from '@roost/platform-nats';
import { createMemoryPlatform, createMemoryViewStore } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { startNatsServer } from '@roost/testing';

export type PlatformKind = 'nats' | 'memory';

export interface BenchPlatforms {
  /** What the orchestrator runs on. */
  readonly orchestrator: Platform;
  /** What the benchmark uses to play gateways and admin clients (its own connection on NATS). */
  readonly client: Platform;
  /** The private nats-server's URL; null on the in-memory platform. */
  readonly natsUrl: string | null;
  close(): Promise<void>;
}

/** A fresh world per scenario: a private nats-server with two connections, or one in-memory platform. */
export async function benchPlatforms(kind: PlatformKind): Promise<BenchPlatforms> {
  if (kind === 'memory') {
    const platform = createMemoryPlatform();
    return { orchestrator: platform, client: platform, natsUrl: null, close: () => platform.close() };
  }
  const nats = await startNatsServer();
  const orchestrator = await connectNatsPlatform({ url: nats.url, views: createMemoryViewStore(), name: 'bench-orchestrator' });
  const client = await connectNatsPlatform({ url: nats.url, views: createMemoryViewStore(), name: 'bench-client' });
  return {
    orchestrator,
    client,
    natsUrl: nats.url,
    close: async () => {
      await client.close();
      await orchestrator.close();
      await nats.stop();
    },
  };
}
