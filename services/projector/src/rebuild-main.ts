/**
 * The rebuild command: wipes the Redis views and replays ROLLOUT_EVENTS and FLEET_EVENTS.
 *   NATS_URL=nats://127.0.0.1:4222 REDIS_URL=redis://127.0.0.1:6379 tsx services/projector/src/rebuild-main.ts
 * Stop the projectors first, or skip this: a running projector notices wiped or flushed views
 * and rebuilds them itself. Prints the report as JSON.
 */
import pino from 'pino';
import { platformFromEnv } from './platform-from-env';
import { rebuildProjectorViews } from './rebuild-offline';

async function main(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'projector-rebuild' } });
  if (!process.env.NATS_URL || !process.env.REDIS_URL) throw new Error('set NATS_URL and REDIS_URL: a rebuild replays the NATS streams into Redis');
  const platform = await platformFromEnv(process.env, logger, 'roost-projector-rebuild');
  try {
    const report = await rebuildProjectorViews(platform, { logger });
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await platform.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
