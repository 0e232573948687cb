/**
 * `npm run simulate -- --agents 300 --environments production:70,staging:30 --behaviours fail:10`
 * Runs simulated collectors against a gateway and prints the fleet's state every few seconds.
 */
import pino from 'pino';
import { statsLine } from './fleet-stats';
import { parseSimulateCommandLine, simulateHelp } from './simulate-command-line';
import { startFleet, type RunningFleet } from './start-fleet';
import { SimulatorError } from './simulator-error';

async function main(): Promise<void> {
  const command = parseSimulateCommandLine(process.argv.slice(2), process.env);
  if (command === 'help') {
    process.stdout.write(simulateHelp());
    return;
  }
  const logger = pino({ level: command.logLevel, base: { component: 'fleet-simulator' } }, pino.destination(2));
  const fleet = await startFleet({ ...command.fleet, logger });
  const report = (): void => {
    const stats = fleet.stats();
    process.stdout.write(command.output === 'json' ? `${JSON.stringify({ at: new Date().toISOString(), ...stats })}\n` : `${time()} ${statsLine(stats)}\n`);
  };
  if (command.output === 'text') {
    process.stdout.write(`${time()} ${command.fleet.agents} agents (seed ${fleet.seed}) → ${command.fleet.urls.join(', ')}\n`);
  }
  const ticker = command.reportEveryMs > 0 ? setInterval(report, command.reportEveryMs) : undefined;
  const finish = stopOnce(fleet, () => {
    clearInterval(ticker);
    report();
  });
  process.on('SIGINT', finish);
  process.on('SIGTERM', finish);
  if (command.durationMs > 0) setTimeout(finish, command.durationMs);
}

/** Reports the fleet as it was, then stops it; a second signal exits at once. */
function stopOnce(fleet: RunningFleet, last: () => void): () => void {
  let stopping = false;
  return () => {
    if (stopping) process.exit(130);
    stopping = true;
    last();
    fleet.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`simulator: unclean stop: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
}

function time(): string {
  return new Date().toISOString().slice(11, 19);
}

main().catch((error: unknown) => {
  if (error instanceof SimulatorError) {
    process.stderr.write(`simulate: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`simulate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
