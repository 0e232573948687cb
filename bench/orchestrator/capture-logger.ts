import type { LogFields, Logger } from '@roost/ports';

/** A logger that keeps info-and-above lines in memory, so the benchmark can read timings the service logs. */
export class CaptureLogger implements Logger {
  readonly lines: { level: string; fields: LogFields; message: string }[] = [];
  /** Debug lines are not kept: the benchmark reads only what the service reports at info and above. */
  debug(): void {
    return undefined;
  }
  info(fields: LogFields, message: string): void {
    this.lines.push({ level: 'info', fields, message });
  }
  warn(fields: LogFields, message: string): void {
    this.lines.push({ level: 'warn', fields, message });
  }
  error(fields: LogFields, message: string): void {
    this.lines.push({ level: 'error', fields, message });
  }
  find(message: string): LogFields | undefined {
    return this.lines.find((line) => line.message === message)?.fields;
  }
}
