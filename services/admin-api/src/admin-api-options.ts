import type { ApiRole } from '@roost/contracts';
import type { TlsFiles } from '@roost/platform-process';
import type { Logger } from '@roost/ports';
import type { ApiTokenSpec } from './auth/api-tokens';

/** The original design's port (design §7): `curl -X POST http://localhost:8080/api/rollout`. */
export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_GRPC_PORT = 9090;

export interface AdminApiOptions {
  /** Default 8080; 0 picks a free port. */
  readonly httpPort?: number;
  /** Default 9090; 0 picks a free port; null serves no gRPC. */
  readonly grpcPort?: number | null;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Tokens by SHA-256, each with a role. */
  readonly tokens?: readonly ApiTokenSpec[];
  /**
   * Role of requests that carry no token. Default: none (401) when tokens are configured;
   * `admin` when none are (a laptop without tokens), with a warning in the log at start.
   */
  readonly anonymousRole?: ApiRole | null;
  /** How long to wait for the orchestrator's answer to a command. Default 10 000. */
  readonly commandTimeoutMs?: number;
  /** After a rollout write, longest wait for the views to show it (read-your-writes). Default 2 000. */
  readonly settleMs?: number;
  /** How often a watched rollout's views are read. Default 250. */
  readonly watchIntervalMs?: number;
  /** Largest request body. Default 4 MiB (config YAML). */
  readonly maxBodyBytes?: number;
  /**
   * Bytes held in request bodies being received, over every HTTP request: a body that would
   * pass it is refused with 503 and Retry-After. Default 64 MiB (sixteen bodies of the largest
   * size); at least maxBodyBytes.
   */
  readonly bodyBudgetBytes?: number;
  /** A request whose headers and body have not all arrived within this is cut off. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /**
   * PEM files: HTTP and gRPC then serve only TLS; with `clientCaFile`, clients must present a
   * certificate that CA signed (mTLS). Read again when they change or on SIGHUP.
   */
  readonly tls?: TlsFiles;
  /** How often the TLS files are checked for a change. Default 10 000. */
  readonly tlsReloadIntervalMs?: number;
  readonly logger?: Logger;
  /** Injected for tests: wall clock in ms (audit timestamps). */
  readonly now?: () => number;
}

export interface ResolvedAdminApiOptions {
  readonly httpPort: number;
  readonly grpcPort: number | null;
  readonly host: string;
  readonly tokens: readonly ApiTokenSpec[];
  readonly anonymousRole: ApiRole | null;
  readonly commandTimeoutMs: number;
  readonly settleMs: number;
  readonly watchIntervalMs: number;
  readonly maxBodyBytes: number;
  readonly bodyBudgetBytes: number;
  readonly requestTimeoutMs: number;
  readonly tls: TlsFiles | undefined;
  readonly tlsReloadIntervalMs: number;
  readonly logger: Logger;
  readonly now: () => number;
}

export function resolveAdminApiOptions(options: AdminApiOptions, logger: Logger): ResolvedAdminApiOptions {
  const tokens = options.tokens ?? [];
  return {
    httpPort: port(options.httpPort, DEFAULT_HTTP_PORT, 'httpPort'),
    grpcPort: options.grpcPort === null ? null : port(options.grpcPort, DEFAULT_GRPC_PORT, 'grpcPort'),
    host: options.host ?? '127.0.0.1',
    tokens,
    anonymousRole: options.anonymousRole !== undefined ? options.anonymousRole : tokens.length === 0 ? 'admin' : null,
    commandTimeoutMs: positive(options.commandTimeoutMs, 10_000, 'commandTimeoutMs'),
    settleMs: nonNegative(options.settleMs, 2_000, 'settleMs'),
    watchIntervalMs: positive(options.watchIntervalMs, 250, 'watchIntervalMs'),
    ...bodyLimits(options),
    requestTimeoutMs: positive(options.requestTimeoutMs, 30_000, 'requestTimeoutMs'),
    tls: options.tls,
    tlsReloadIntervalMs: positive(options.tlsReloadIntervalMs, 10_000, 'tlsReloadIntervalMs'),
    logger: options.logger ?? logger,
    now: options.now ?? Date.now,
  };
}

function port(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error(`admin API option ${name} must be a port number (0-65535), got ${value}`);
  return value;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`admin API option ${name} must be a positive number, got ${value}`);
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`admin API option ${name} must be 0 or more, got ${value}`);
  return value;
}

function bodyLimits(options: AdminApiOptions): { maxBodyBytes: number; bodyBudgetBytes: number } {
  const maxBodyBytes = positive(options.maxBodyBytes, 4 * 1024 * 1024, 'maxBodyBytes');
  const bodyBudgetBytes = positive(options.bodyBudgetBytes, Math.max(64 * 1024 * 1024, maxBodyBytes), 'bodyBudgetBytes');
  if (bodyBudgetBytes < maxBodyBytes) {
    throw new Error(`admin API option bodyBudgetBytes (${bodyBudgetBytes}) must be at least maxBodyBytes (${maxBodyBytes}), or no body that large could be received`);
  }
  return { maxBodyBytes, bodyBudgetBytes };
}
