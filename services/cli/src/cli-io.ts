import type { AdminClient } from './admin-client';
import type { Arguments, GlobalOptions } from './cli-arguments';

/** Where a command writes, and what it may know about the terminal and the clock. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when `out` is a terminal a live view may redraw in place. */
  readonly interactive: boolean;
  now(): number;
  /** Reads a file, or standard input for `-`. */
  readFile(path: string): Promise<string>;
}

/** What every command gets. */
export interface CommandContext {
  readonly args: Arguments;
  readonly options: GlobalOptions;
  readonly client: AdminClient;
  readonly io: CliIo;
}

/** A command's exit code: 0 done; 1 for a watched rollout that did not complete. */
export type ExitCode = number;

/** Prints `value` as indented JSON (`--output json`); the command is done. */
export function printJson(io: CliIo, value: unknown): ExitCode {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
  return 0;
}
