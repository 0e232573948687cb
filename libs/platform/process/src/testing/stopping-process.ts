/**
 * A process for stop-on-signals.int.spec.ts: it waits under `stopOnSignals` with a stop that
 * resolves, rejects or never settles (STOP_OUTCOME), and logs JSON lines on stdout as a service does.
 */
import pino from 'pino';
import { stopOnSignals } from '../stop-on-signals';

const outcome = process.env['STOP_OUTCOME'] ?? 'resolve';
const timeoutMs = process.env['STOP_TIMEOUT_MS'] === undefined ? undefined : Number(process.env['STOP_TIMEOUT_MS']);
// Synchronous writes: pino's default asynchronous stream can land a line still in flight at
// exit after the lines flushed by the exit, and the spec reads the order of the lines.
const logger = pino({ base: { service: 'fixture' } }, pino.destination({ dest: 1, sync: true }));

const stop = async (): Promise<void> => {
  logger.info({ outcome }, 'stop called');
  if (outcome === 'reject') throw new Error('platform refused to close');
  if (outcome === 'hang') await new Promise<never>(() => undefined);
  logger.info({}, 'fixture stopped');
};

stopOnSignals(stop, { name: 'fixture', logger, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
// Something to keep the process alive, as a listening server would.
setInterval(() => undefined, 60_000);
logger.info({}, 'fixture ready');
