import type { Platform } from '@roost/ports';

/** The ports the projector uses; `health` (when present) feeds /readyz. */
export type ProjectorPlatform = Pick<Platform, 'events' | 'views'> & Partial<Pick<Platform, 'health'>>;
