import { silentLogger, type Logger } from '@roost/ports';
import { DEFAULT_BATCH_SIZE } from './stream-applier';

export interface ProjectorOptions {
  readonly logger?: Logger;
  /** Port of /readyz, /healthz and /metrics; 0 picks a free one; absent: no HTTP server. */
  readonly httpPort?: number;
  readonly httpHost?: string;
  /** Most events per atomic write, live and when catching up (default 500). */
  readonly batchSize?: number;
  /** /readyz answers 503 while any stream lags more than this (default 1000). */
  readonly maxReadyLag?: number;
  /** How often the lag is sampled (default 1000 ms). */
  readonly lagIntervalMs?: number;
}

export type ResolvedProjectorOptions = Required<Omit<ProjectorOptions, 'httpPort'>> & { readonly httpPort: number | null };

export const DEFAULT_PROJECTOR_PORT = 4330;

export function resolveProjectorOptions(options: ProjectorOptions): ResolvedProjectorOptions {
  return {
    logger: options.logger ?? silentLogger,
    httpPort: options.httpPort ?? null,
    httpHost: options.httpHost ?? '0.0.0.0',
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    maxReadyLag: options.maxReadyLag ?? 1000,
    lagIntervalMs: options.lagIntervalMs ?? 1000,
  };
}
