import { createMemoryPlatform, createMemoryViewStore } from '@roost/platform-memory';
import { connectNatsPlatform } from '@roost/platform-nats';
import { createRedisViewStore, describeRedisTarget } from '@roost/platform-redis';
import type { Logger, OwnedViewStore, Platform } from '@roost/ports';
import { SERVICE_NAMES, type RoostSettings, type ServiceName } from './command-line';

/** Which engine holds what, for the start-up banner and the logs. */
export interface PlatformEngines {
  /** Bus, event streams and key-value buckets. */
  readonly streams: 'memory' | 'nats';
  /** `none` when no service of this process reads or writes views. */
  readonly views: 'memory' | 'redis' | 'none';
}

export interface OpenedPlatform {
  readonly platform: Platform;
  readonly engines: PlatformEngines;
}

/** Services that read or write the Redis views. */
const VIEW_USERS: readonly ServiceName[] = ['projector', 'admin-api'];

/**
 * One platform shared by every service of this process: NATS when `natsUrl` is set, Redis views
 * when `redis` is set and a service here uses views, the in-memory adapters otherwise.
 */
export async function openPlatform(settings: RoostSettings, logger: Logger): Promise<OpenedPlatform> {
  const name = `roost-${settings.services.length === 1 ? settings.services[0] : 'all-in-one'}`;
  const usesViews = settings.services.some((service) => VIEW_USERS.includes(service));
  const redis = usesViews ? settings.redis : undefined;
  if (redis) logger.info({ url: describeRedisTarget(redis) }, 'connecting to Redis (waits until it answers)');
  const views: OwnedViewStore = redis ? await createRedisViewStore({ ...redis, name, logger }) : createMemoryViewStore();
  const engines: PlatformEngines = { streams: settings.natsUrl ? 'nats' : 'memory', views: !usesViews ? 'none' : redis ? 'redis' : 'memory' };
  if (settings.natsUrl && usesViews && !redis) {
    logger.warn({}, 'REDIS_URL not set: the views live in this process only; an admin API or projector in another process will not share them');
  }
  if (!settings.natsUrl) {
    if (settings.services.length < SERVICE_NAMES.length) {
      logger.warn({ services: settings.services }, 'NATS_URL not set: the services of other processes cannot reach these; set NATS_URL (and REDIS_URL) for a cluster, or run them all with npm start');
    }
    return { platform: createMemoryPlatform({ logger, views }), engines };
  }
  logger.info({ url: redact(settings.natsUrl) }, 'connecting to NATS (waits until it answers)');
  try {
    return { platform: await connectNatsPlatform({ url: settings.natsUrl, name, logger, views, ...settings.topology }), engines };
  } catch (error) {
    await views.close();
    throw error;
  }
}

/** A URL without its password, for logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/g, '//$1:***@');
}
