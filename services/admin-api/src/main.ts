/**
 * Runs the admin API from the environment (see environment-options.ts):
 *   NATS_URL=nats://127.0.0.1:4222 REDIS_URL=redis://127.0.0.1:6379 \
 *   ROOST_API_TOKENS=ci:operator:$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1) \
 *   tsx services/admin-api/src/main.ts
 */
import pino from 'pino';
import { connectNatsPlatform } from '@roost/platform-nats';
import { createRedisViewStore } from '@roost/platform-redis';
import { stopOnSignals } from '@roost/platform-process';
import { adminApiEnvironment } from './environment-options';
import { startAdminApi } from './start-admin-api';

async function main(): Promise<void> {
  const environment = adminApiEnvironment(process.env);
  const logger = pino({ level: environment.logLevel, base: { service: 'admin-api' } });
  const views = await createRedisViewStore({ url: environment.redisUrl, name: 'roost-admin-api', logger });
  const platform = await connectNatsPlatform({ url: environment.natsUrl, name: 'roost-admin-api', views, logger });
  const api = await startAdminApi({ ...environment.options, logger }, platform);
  stopOnSignals(() => api.stop().then(() => platform.close()), { name: 'admin API', logger });
}

main().catch((error: unknown) => {
  process.stderr.write(`admin API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
