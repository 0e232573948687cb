/**
 * The `roost` server binary: every service in one process (the default, `npm start`) or only
 * the named ones for a cluster (`npm start -- gateway`). Flags and environment: `--help`.
 */
import type { Logger } from 'pino';
import { CommandLineError, parseCommandLine } from './command-line';
import { createLogger } from './create-logger';
import { helpText } from './help-text';
import { readyBanner } from './ready-banner';
import { startRoost, type RunningRoost } from './start-roost';

async function main(): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2), process.env, process.stdout.isTTY === true);
  if (command.kind === 'help') {
    process.stdout.write(helpText());
    return;
  }
  const { settings } = command;
  const logger = createLogger(settings.logLevel, settings.logFormat);
  const roost = await startRoost(settings, logger);
  logger.info({ services: settings.services, engines: roost.engines, endpoints: roost.endpoints }, 'roost ready');
  process.stderr.write(readyBanner(settings, roost.engines, roost.endpoints));
  stopOnSignals(roost, logger, settings.shutdownTimeoutMs);
}

/** First SIGINT/SIGTERM: graceful stop within the timeout; a second one: exit at once. */
function stopOnSignals(roost: RunningRoost, logger: Logger, timeoutMs: number): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without finishing the stop');
      process.exit(130);
    }
    signalled = true;
    logger.info({ signal, timeoutMs }, 'stopping roost');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'graceful stop took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    roost.stop().then(
      () => {
        logger.info({}, 'roost stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ error: error instanceof Error ? error.message : String(error) }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
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
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
