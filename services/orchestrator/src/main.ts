/**
 * Runs one orchestrator process from the environment (see environment-options.ts):
 *   NATS_URL=nats://127.0.0.1:4222 tsx services/orchestrator/src/main.ts
 * Run two for a hot standby: one leads, the other takes over when the lease lapses.
 */
import pino from 'pino';
import { createMemoryPlatform } from '@roost/platform-memory';
import { connectNatsServicePlatform } from '@roost/platform-nats';
import { bootServices } from '@roost/platform-nest';
import { stopOnSignals } from '@roost/platform-process';
import { orchestratorEnvironment } from './environment-options';
import { OrchestratorModule } from './orchestrator-module';

async function main(): Promise<void> {
  const environment = orchestratorEnvironment(process.env);
  const logger = pino({ level: environment.logLevel, base: { service: 'orchestrator' } });
  const { natsUrl } = environment;
  const open = async () => {
    const platform = natsUrl ? await connectNatsServicePlatform({ url: natsUrl, name: 'roost-orchestrator', logger, ...environment.topology }) : createMemoryPlatform({ logger });
    if (!natsUrl) logger.warn({}, 'NATS_URL not set: in-memory platform, nothing is shared or kept');
    return platform;
  };
  const app = await bootServices({ startOrder: ['orchestrator'], platform: { open }, services: [OrchestratorModule.forRoot({ ...environment.options, metricsPort: environment.metricsPort, metricsHost: '0.0.0.0', logger })], logger });
  stopOnSignals(() => app.close(), { name: 'orchestrator', logger });
}

main().catch((error: unknown) => {
  process.stderr.write(`orchestrator failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
