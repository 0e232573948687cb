/**
 * Runs the admin API from the environment (see environment-options.ts):
 *   NATS_URL=nats://127.0.0.1:4222 REDIS_URL=redis://127.0.0.1:6379 \
 *   ROOST_API_TOKENS=ci:operator:$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1) \
 *   tsx services/admin-api/src/main.ts
 */
import pino from 'pino';
import { connectNatsPlatform } from '@roost/platform-nats';
import { createRedisViewStore } from '@roost/platform-redis';
import { bootServices } from '@roost/platform-nest';
import { stopOnSignals, TlsSettingError } from '@roost/platform-process';
import { AdminApiModule } from './admin-api-module';
import { adminApiEnvironment } from './environment-options';

async function main(): Promise<void> {
  const environment = adminApiEnvironment(process.env);
  const logger = pino({ level: environment.logLevel, base: { service: 'admin-api' } });
  const open = async () => {
    const views = await createRedisViewStore({ ...environment.redis, name: 'roost-admin-api', logger });
    return connectNatsPlatform({ url: environment.natsUrl, name: 'roost-admin-api', views, logger, ...environment.topology });
  };
  const app = await bootServices({ startOrder: ['admin-api'], platform: { open }, services: [AdminApiModule.forRoot({ ...environment.options, logger })], logger });
  stopOnSignals(() => app.close(), { name: 'admin API', logger });
}

main().catch((error: unknown) => {
  const detail = error instanceof TlsSettingError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`admin API failed to start: ${detail}\n`);
  process.exit(1);
});
