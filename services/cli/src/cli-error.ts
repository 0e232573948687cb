export type CliErrorCode =
  | 'cli.usage'
  | 'cli.unreachable'
  | 'cli.unauthorized'
  | 'cli.forbidden'
  | 'cli.not_found'
  | 'cli.refused'
  | 'cli.server_error'
  | 'cli.bad_reply'
  | 'cli.file';

/** Exit codes: 2 for a command line to fix, 3 when the server could not be reached or refused the token, 1 otherwise. */
const EXIT_CODES: Readonly<Record<CliErrorCode, number>> = {
  'cli.usage': 2,
  'cli.file': 2,
  'cli.unreachable': 3,
  'cli.unauthorized': 3,
  'cli.forbidden': 3,
  'cli.not_found': 1,
  'cli.refused': 1,
  'cli.server_error': 1,
  'cli.bad_reply': 1,
};

/**
 * Whatever stops a command. `message` says what went wrong and `hint` what to do about it;
 * `details` carries the server's error for `--output json`.
 */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly hint: string | null = null,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'CliError';
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}
