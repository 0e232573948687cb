/**
 * Runs the projector from the environment:
 *   NATS_URL=nats://127.0.0.1:4222 REDIS_URL=redis://127.0.0.1:6379 tsx services/projector/src/main.ts
 * PROJECTOR_PORT (default 4330) serves /readyz, /healthz and /metrics; LOG_LEVEL sets pino's level.
 * Without NATS_URL / REDIS_URL the in-memory adapters stand in (see platform-from-env.ts).
 */
import pino from 'pino';
import { bootServices } from '@roost/platform-nest';
import { stopOnSignals } from '@roost/platform-process';
import { DEFAULT_PROJECTOR_PORT } from './projector-options';
import { platformFromEnv } from './platform-from-env';
import { ProjectorModule, RUNNING_PROJECTOR } from './projector-module';
import type { RunningProjector } from './start-projector';

async function main(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'projector' } });
  const port = Number(process.env.PROJECTOR_PORT ?? DEFAULT_PROJECTOR_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PROJECTOR_PORT ${process.env.PROJECTOR_PORT} is not a port number`);
  const app = await bootServices({
    startOrder: ['projector'],
    platform: { open: () => platformFromEnv(process.env, logger) },
    services: [ProjectorModule.forRoot({ logger, httpPort: port })],
    logger,
  });
  const projector = app.get<RunningProjector>(RUNNING_PROJECTOR);
  stopOnSignals(() => app.close(), { name: 'projector', logger });
  logger.info({ url: projector.url }, 'projector ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`projector failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
