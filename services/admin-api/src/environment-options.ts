import { API_ROLES, topologyFromSettings, type ApiRole, type Topology } from '@roost/contracts';
import { redisTargetFrom, type RedisTarget } from '@roost/platform-redis';
import type { AdminApiOptions } from './admin-api-options';
import { parseTokenList } from './auth/api-tokens';

export interface AdminApiEnvironment {
  readonly natsUrl: string;
  /** REDIS_URL, or REDIS_SENTINELS and REDIS_SENTINEL_MASTER. */
  readonly redis: RedisTarget;
  /** Replicas and limits of the streams and buckets (NATS_REPLICAS, NATS_<STREAM>_MAX_*). */
  readonly topology: Topology;
  readonly logLevel: string;
  readonly options: AdminApiOptions;
}

/**
 * Reads the admin API's settings from the environment (12-factor):
 *   NATS_URL             nats://host:4222 (required: commands go to the orchestrator over it)
 *   REDIS_URL            redis://host:6379 (required: reads come from the views) ...
 *   REDIS_SENTINELS      ... or Sentinels host:port,... naming the primary REDIS_SENTINEL_MASTER
 *                        (default mymaster); REDIS_URL then gives only user, password and db
 *   NATS_REPLICAS        copies of every stream and bucket (1; 3 on a JetStream cluster)
 *   NATS_<STREAM>_MAX_AGE / _MAX_BYTES  a stream's limits (TOPOLOGY_SETTINGS in @roost/contracts)
 *   ADMIN_HOST           listen address (default 127.0.0.1)
 *   ADMIN_HTTP_PORT      HTTP port (default 8080)
 *   ADMIN_GRPC_PORT      gRPC port (default 9090; `off` serves no gRPC)
 *   ROOST_API_TOKENS     name:role:sha256,... (role viewer, operator or admin; sha256 of the token)
 *   ROOST_ANONYMOUS_ROLE role of requests without a token: viewer, operator, admin or none
 *                        (default none with tokens, admin without)
 *   ADMIN_TLS_CERT_FILE, ADMIN_TLS_KEY_FILE  PEM certificate and key: HTTP and gRPC serve only TLS
 *   ADMIN_TLS_CLIENT_CA_FILE  PEM CA that client certificates must chain to (mTLS)
 *   ADMIN_BODY_BUDGET_BYTES   bytes held in request bodies being received, over every request
 *                        (default 64 MiB); past it a body is refused with 503 and Retry-After
 *   LOG_LEVEL            pino level (default info)
 * Throws naming the variable at fault.
 */
export function adminApiEnvironment(env: Readonly<Record<string, string | undefined>>): AdminApiEnvironment {
  const natsUrl = env['NATS_URL'];
  const redis = redisTargetFrom((name) => env[name]);
  if (!natsUrl || !redis) throw new Error('set NATS_URL and REDIS_URL or REDIS_SENTINELS (the admin API sends commands over NATS and reads views from Redis); for a laptop, `npm start` runs everything in one process');
  const grpc = env['ADMIN_GRPC_PORT'];
  return {
    natsUrl,
    redis,
    topology: topologyFromSettings((name) => env[name]),
    logLevel: env['LOG_LEVEL'] || 'info',
    options: {
      ...(env['ADMIN_HOST'] ? { host: env['ADMIN_HOST'] } : {}),
      ...(env['ADMIN_HTTP_PORT'] ? { httpPort: portOf(env['ADMIN_HTTP_PORT'], 'ADMIN_HTTP_PORT') } : {}),
      ...(grpc ? { grpcPort: grpc === 'off' ? null : portOf(grpc, 'ADMIN_GRPC_PORT') } : {}),
      tokens: parseTokenList(env['ROOST_API_TOKENS'] ?? ''),
      ...(env['ROOST_ANONYMOUS_ROLE'] ? { anonymousRole: roleOf(env['ROOST_ANONYMOUS_ROLE']) } : {}),
      ...tlsOf(env['ADMIN_TLS_CERT_FILE'], env['ADMIN_TLS_KEY_FILE'], env['ADMIN_TLS_CLIENT_CA_FILE']),
      ...(env['ADMIN_BODY_BUDGET_BYTES'] ? { bodyBudgetBytes: bytesOf(env['ADMIN_BODY_BUDGET_BYTES'], 'ADMIN_BODY_BUDGET_BYTES') } : {}),
    },
  };
}

function tlsOf(certFile: string | undefined, keyFile: string | undefined, clientCaFile: string | undefined): Pick<AdminApiOptions, 'tls'> {
  if (!certFile && !keyFile && !clientCaFile) return {};
  if (!certFile || !keyFile) throw new Error('TLS needs both ADMIN_TLS_CERT_FILE and ADMIN_TLS_KEY_FILE');
  return { tls: { certFile, keyFile, ...(clientCaFile ? { clientCaFile } : {}) } };
}

function portOf(text: string, name: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) throw new Error(`${name} must be a port number (0-65535), got "${text}"`);
  return value;
}

function roleOf(text: string): ApiRole | null {
  if (text === 'none') return null;
  if (!(API_ROLES as readonly string[]).includes(text)) throw new Error(`ROOST_ANONYMOUS_ROLE must be one of ${API_ROLES.join(', ')} or none, got "${text}"`);
  return text as ApiRole;
}

function bytesOf(text: string, name: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a whole number of bytes > 0, got "${text}"`);
  return value;
}
