/**
 * Runs one gateway from flags and environment (see docs/gateway.md):
 *   tsx services/gateway/src/main.ts --port 4320 --nats-url nats://127.0.0.1:4222
 * Without NATS_URL / --nats-url the gateway runs on the in-memory platform (demo, laptop).
 */
import pino from 'pino';
import { createMemoryPlatform } from '@roost/platform-memory';
import { connectNatsServicePlatform } from '@roost/platform-nats';
import { stopOnSignals } from '@roost/platform-process';
import { CommandLineError, parseGatewayCommandLine } from './cli-options';
import { startGateway } from './start-gateway';

async function main(): Promise<void> {
  const cli = parseGatewayCommandLine(process.argv.slice(2), process.env);
  const logger = pino({ level: cli.logLevel, base: { service: 'gateway' } });
  const { natsUrl } = cli;
  const platform = natsUrl ? await connectNatsServicePlatform({ url: natsUrl, name: 'roost-gateway', logger }) : createMemoryPlatform({ logger });
  if (!natsUrl) logger.warn({}, 'NATS_URL not set: in-memory platform, state is lost on exit');
  const gateway = await startGateway({ ...cli.gateway, logger }, platform);
  stopOnSignals(() => gateway.stop().then(() => platform.close()), { name: 'gateway', logger });
  logger.info({ gatewayId: gateway.gatewayId, url: gateway.url, httpUrl: gateway.httpUrl }, 'gateway ready');
}

main().catch((error: unknown) => {
  if (error instanceof CommandLineError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
