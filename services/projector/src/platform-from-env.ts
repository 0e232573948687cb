import { createMemoryPlatform, createMemoryViewStore } from '@roost/platform-memory';
import { connectNatsPlatform } from '@roost/platform-nats';
import { createRedisViewStore } from '@roost/platform-redis';
import type { Logger, OwnedViewStore, Platform } from '@roost/ports';

export interface PlatformEnv {
  readonly NATS_URL?: string;
  readonly REDIS_URL?: string;
}

/**
 * NATS_URL → JetStream streams; REDIS_URL → Redis views. Either one missing falls back to its
 * in-memory adapter (a laptop or a demo: nothing outlives the process).
 */
export async function platformFromEnv(env: PlatformEnv, logger: Logger, name = 'roost-projector'): Promise<Platform> {
  const natsUrl = env.NATS_URL?.trim() || undefined;
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (!redisUrl) logger.warn({}, 'REDIS_URL not set: views are kept in memory and lost on exit');
  const views: OwnedViewStore = redisUrl ? await createRedisViewStore({ url: redisUrl, name, logger }) : createMemoryViewStore();
  if (!natsUrl) {
    logger.warn({}, 'NATS_URL not set: in-memory event streams, nothing outside this process can feed them');
    return createMemoryPlatform({ logger, views });
  }
  try {
    return await connectNatsPlatform({ url: natsUrl, name, logger, views });
  } catch (error) {
    await views.close();
    throw error;
  }
}
