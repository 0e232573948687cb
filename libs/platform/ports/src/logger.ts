/** Structured log fields; values must be JSON-serialisable. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * The logging surface adapters write to. pino's logger satisfies it as is
 * (`logger.info({ stream }, 'created stream')`); libraries never log to the console.
 */
export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

/** Discards everything; the default when no logger is injected. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
