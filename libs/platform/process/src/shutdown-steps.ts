import type { LogFields } from '@roost/ports';

/** Exit code of a process stopped by a second signal before its graceful stop finished (128 + SIGINT). */
export const FORCED_EXIT_CODE = 130;

/** What the process is doing about stopping. */
export type ShutdownPhase = 'running' | 'stopping' | 'exiting';

/** What can happen to a process that stops on signals. */
export type ShutdownEvent =
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'timed-out' };

export interface ShutdownSettings {
  /** Names what stops in the first line: `stopping <name>`. */
  readonly name: string;
  /** Longest graceful stop before the process exits anyway (code 1); none when unset. */
  readonly timeoutMs?: number;
}

export interface ShutdownLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly fields: LogFields;
  readonly message: string;
}

/** What to do after an event: at most one log line, then start the graceful stop or exit. */
export interface ShutdownStep {
  readonly phase: ShutdownPhase;
  readonly line?: ShutdownLine;
  /** Start the graceful stop (and its timeout) now. */
  readonly beginStop?: true;
  readonly exitCode?: number;
}

/**
 * The stop sequence of a process: the first signal starts one graceful stop; it ends in exit 0
 * when the stop resolves, or exit 1 when it rejects or outlasts the timeout; a second signal
 * exits at once. Events that come too early or too late change nothing.
 */
export function nextShutdownStep(phase: ShutdownPhase, event: ShutdownEvent, settings: ShutdownSettings): ShutdownStep {
  if (phase === 'exiting') return { phase };
  if (phase === 'running') {
    if (event.kind !== 'signal') return { phase };
    const timeout = settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs };
    return { phase: 'stopping', beginStop: true, line: { level: 'info', fields: { signal: event.signal, ...timeout }, message: `stopping ${settings.name}` } };
  }
  switch (event.kind) {
    case 'signal':
      return { phase: 'exiting', exitCode: FORCED_EXIT_CODE, line: { level: 'warn', fields: { signal: event.signal }, message: 'second signal: exiting without finishing the stop' } };
    case 'stopped':
      return { phase: 'exiting', exitCode: 0 };
    case 'failed':
      return { phase: 'exiting', exitCode: 1, line: { level: 'error', fields: { error: errorText(event.error) }, message: 'unclean stop' } };
    case 'timed-out':
      return { phase: 'exiting', exitCode: 1, line: { level: 'error', fields: { timeoutMs: settings.timeoutMs }, message: 'graceful stop took too long; exiting' } };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
