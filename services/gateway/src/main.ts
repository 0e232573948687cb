/**
 * Runs one gateway from flags and environment (see docs/gateway.md):
 *   tsx services/gateway/src/main.ts --port 4320 --nats-url nats://127.0.0.1:4222
 * Without NATS_URL / --nats-url the gateway runs on the in-memory platform (demo, laptop).
 */
import pino from 'pino';
import { createMemoryPlatform } from '@roost/platform-memory';
import { CommandLineError, parseGatewayCommandLine } from './cli-options';
import { connectNatsGatewayPlatform, type ClosableGatewayPlatform } from './nats-gateway-platform';
import { startGateway } from './start-gateway';

async function main(): Promise<void> {
  const cli = parseGatewayCommandLine(process.argv.slice(2), process.env);
  const logger = pino({ level: cli.logLevel, base: { service: 'gateway' } });
  const platform: ClosableGatewayPlatform = cli.natsUrl
    ? await connectNatsGatewayPlatform(cli.natsUrl, logger)
    : createMemoryPlatform({ logger });
  if (!cli.natsUrl) logger.warn({}, 'NATS_URL not set: in-memory platform, state is lost on exit');
  const gateway = await startGateway({ ...cli.gateway, logger }, platform);
  logger.info({ gatewayId: gateway.gatewayId, url: gateway.url, httpUrl: gateway.httpUrl }, 'gateway ready');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping gateway');
    gateway
      .stop()
      .then(() => platform.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: String(error) }, 'unclean stop');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof CommandLineError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
