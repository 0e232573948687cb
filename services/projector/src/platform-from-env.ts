import { topologyFromSettings } from '@roost/contracts';
import { createMemoryPlatform, createMemoryViewStore } from '@roost/platform-memory';
import { connectNatsPlatform } from '@roost/platform-nats';
import { createRedisViewStore, describeRedisTarget, redisTargetFrom } from '@roost/platform-redis';
import type { Logger, OwnedViewStore, Platform } from '@roost/ports';

export interface PlatformEnv {
  readonly NATS_URL?: string;
  readonly REDIS_URL?: string;
  /** NATS_REPLICAS and the streams' limits, NATS_<STREAM>_MAX_AGE / _MAX_BYTES. */
  readonly [topologySetting: string]: string | undefined;
}

/**
 * NATS_URL → JetStream streams; REDIS_URL, or REDIS_SENTINELS (+ REDIS_SENTINEL_MASTER) for a
 * primary found through Redis Sentinel → Redis views. Either one missing falls back to its
 * in-memory adapter (a laptop or a demo: nothing outlives the process). NATS_REPLICAS and
 * NATS_<STREAM>_MAX_AGE / _MAX_BYTES shape the streams and buckets.
 */
export async function platformFromEnv(env: PlatformEnv, logger: Logger, name = 'roost-projector'): Promise<Platform> {
  const natsUrl = env.NATS_URL?.trim() || undefined;
  const redis = redisTargetFrom((name) => env[name]);
  const topology = topologyFromSettings((name) => env[name]);
  if (!redis) logger.warn({}, 'neither REDIS_URL nor REDIS_SENTINELS set: views are kept in memory and lost on exit');
  else logger.info({ redis: describeRedisTarget(redis) }, 'views on Redis');
  const views: OwnedViewStore = redis ? await createRedisViewStore({ ...redis, name, logger }) : createMemoryViewStore();
  if (!natsUrl) {
    logger.warn({}, 'NATS_URL not set: in-memory event streams, nothing outside this process can feed them');
    return createMemoryPlatform({ logger, views });
  }
  try {
    return await connectNatsPlatform({ url: natsUrl, name, logger, views, ...topology });
  } catch (error) {
    await views.close();
    throw error;
  }
}
