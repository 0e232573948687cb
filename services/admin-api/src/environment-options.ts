import { API_ROLES, type ApiRole } from '@roost/contracts';
import type { AdminApiOptions } from './admin-api-options';
import { parseTokenList } from './auth/api-tokens';

export interface AdminApiEnvironment {
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly logLevel: string;
  readonly options: AdminApiOptions;
}

/**
 * Reads the admin API's settings from the environment (12-factor):
 *   NATS_URL             nats://host:4222 (required: commands go to the orchestrator over it)
 *   REDIS_URL            redis://host:6379 (required: reads come from the views)
 *   ADMIN_HOST           listen address (default 127.0.0.1)
 *   ADMIN_HTTP_PORT      HTTP port (default 8080)
 *   ADMIN_GRPC_PORT      gRPC port (default 9090; `off` serves no gRPC)
 *   ROOST_API_TOKENS     name:role:sha256,... (role viewer, operator or admin; sha256 of the token)
 *   ROOST_ANONYMOUS_ROLE role of requests without a token: viewer, operator, admin or none
 *                        (default none with tokens, admin without)
 *   LOG_LEVEL            pino level (default info)
 * Throws naming the variable at fault.
 */
export function adminApiEnvironment(env: Readonly<Record<string, string | undefined>>): AdminApiEnvironment {
  const natsUrl = env['NATS_URL'];
  const redisUrl = env['REDIS_URL'];
  if (!natsUrl || !redisUrl) throw new Error('set NATS_URL and REDIS_URL (the admin API sends commands over NATS and reads views from Redis); for a laptop, `npm start` runs everything in one process');
  const grpc = env['ADMIN_GRPC_PORT'];
  return {
    natsUrl,
    redisUrl,
    logLevel: env['LOG_LEVEL'] || 'info',
    options: {
      ...(env['ADMIN_HOST'] ? { host: env['ADMIN_HOST'] } : {}),
      ...(env['ADMIN_HTTP_PORT'] ? { httpPort: portOf(env['ADMIN_HTTP_PORT'], 'ADMIN_HTTP_PORT') } : {}),
      ...(grpc ? { grpcPort: grpc === 'off' ? null : portOf(grpc, 'ADMIN_GRPC_PORT') } : {}),
      tokens: parseTokenList(env['ROOST_API_TOKENS'] ?? ''),
      ...(env['ROOST_ANONYMOUS_ROLE'] ? { anonymousRole: roleOf(env['ROOST_ANONYMOUS_ROLE']) } : {}),
    },
  };
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
