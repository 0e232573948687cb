/**
 * Runs one gateway from flags and environment (see docs/gateway.md):
 *   tsx services/gateway/src/main.ts --port 4320 --nats-url nats://127.0.0.1:4222
 * Without NATS_URL / --nats-url the gateway runs on the in-memory platform (demo, laptop).
 */
import pino from 'pino';
import { createMemoryPlatform } from '@roost/platform-memory';
import { connectNatsServicePlatform } from '@roost/platform-nats';
import { bootServices } from '@roost/platform-nest';
import { stopOnSignals, TlsSettingError } from '@roost/platform-process';
import { CommandLineError, parseGatewayCommandLine } from './cli-options';
import { GatewayModule, RUNNING_GATEWAY } from './gateway-module';
import type { RunningGateway } from './start-gateway';

async function main(): Promise<void> {
  const cli = parseGatewayCommandLine(process.argv.slice(2), process.env);
  const logger = pino({ level: cli.logLevel, base: { service: 'gateway' } });
  const { natsUrl } = cli;
  const open = async () => {
    const platform = natsUrl ? await connectNatsServicePlatform({ url: natsUrl, name: 'roost-gateway', logger, ...cli.topology }) : createMemoryPlatform({ logger });
    if (!natsUrl) logger.warn({}, 'NATS_URL not set: in-memory platform, state is lost on exit');
    return platform;
  };
  const app = await bootServices({ startOrder: ['gateway'], platform: { open }, services: [GatewayModule.forRoot({ ...cli.gateway, logger })], logger });
  const gateway = app.get<RunningGateway>(RUNNING_GATEWAY);
  stopOnSignals(() => app.close(), { name: 'gateway', logger });
  logger.info({ gatewayId: gateway.gatewayId, url: gateway.url, httpUrl: gateway.httpUrl }, 'gateway ready');
}

main().catch((error: unknown) => {
  if (error instanceof CommandLineError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const detail = error instanceof TlsSettingError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`gateway failed to start: ${detail}\n`);
  process.exit(1);
});
