import type { Logger } from '@roost/ports';
import { nextShutdownStep, type ShutdownEvent, type ShutdownPhase, type ShutdownSettings } from './shutdown-steps';

export interface StopOnSignalsOptions extends ShutdownSettings {
  readonly logger: Logger;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Keeps a started process running until SIGINT or SIGTERM, then calls `stop` once (it closes
 * everything the process opened) and exits: 0 when it resolves, 1 when it rejects or outlasts
 * `timeoutMs`, 130 at a second signal. The steps and their log lines are `nextShutdownStep`'s.
 * Call it before the process says it is ready, so that a signal sent at once is a graceful stop.
 */
export function stopOnSignals(stop: () => Promise<void>, options: StopOnSignalsOptions): void {
  let phase: ShutdownPhase = 'running';
  const handle = (event: ShutdownEvent): void => {
    const step = nextShutdownStep(phase, event, options);
    phase = step.phase;
    if (step.line) options.logger[step.line.level](step.line.fields, step.line.message);
    if (step.beginStop) beginStop();
    if (step.exitCode !== undefined) process.exit(step.exitCode);
  };
  const beginStop = (): void => {
    if (options.timeoutMs !== undefined) setTimeout(() => handle({ kind: 'timed-out' }), options.timeoutMs).unref();
    stop().then(
      () => handle({ kind: 'stopped' }),
      (error: unknown) => handle({ kind: 'failed', error }),
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => handle({ kind: 'signal', signal }));
}
