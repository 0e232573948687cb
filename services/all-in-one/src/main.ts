/**
 * The `roost` server binary: every service in one process (the default, `npm start`) or only
 * the named ones for a cluster (`npm start -- gateway`). Flags and environment: `--help`.
 */
import { stopOnSignals, TlsSettingError } from '@roost/platform-process';
import { CommandLineError, parseCommandLine } from './command-line';
import { createLogger } from './create-logger';
import { helpText } from './help-text';
import { readyBanner } from './ready-banner';
import { startRoost } from './start-roost';

async function main(): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2), process.env, process.stdout.isTTY === true);
  if (command.kind === 'help') {
    process.stdout.write(helpText());
    return;
  }
  const { settings } = command;
  const logger = createLogger(settings.logLevel, settings.logFormat);
  const roost = await startRoost(settings, logger);
  const stopRoost = async (): Promise<void> => {
    await roost.stop();
    logger.info({}, 'roost stopped');
  };
  stopOnSignals(stopRoost, { name: 'roost', logger, timeoutMs: settings.shutdownTimeoutMs });
  logger.info({ services: settings.services, engines: roost.engines, endpoints: roost.endpoints }, 'roost ready');
  process.stderr.write(readyBanner(settings, roost.engines, roost.endpoints));
}

main().catch((error: unknown) => {
  if (error instanceof CommandLineError) {
    process.stderr.write(`roost: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`roost failed to start: ${startFailure(error)}\n`);
  process.exit(1);
});

function startFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    const port = (error as { port?: unknown }).port;
    return `port ${String(port)} is in use; stop what holds it or choose another port (--help lists the port flags; 0 picks a free one)`;
  }
  // Unusable TLS files: the message names the setting, the file and what is wrong.
  if (error instanceof TlsSettingError) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
