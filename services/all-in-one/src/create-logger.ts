import pino, { type Logger } from 'pino';

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'component']);

/**
 * The process logger: JSON lines on stdout (`json`), or one readable line per entry for a
 * person at a terminal (`pretty`): `12:00:01.234 INFO  gateway  gateway listening port=4320`.
 */
export function createLogger(level: string, format: 'json' | 'pretty', write: (text: string) => void = (text) => process.stdout.write(text)): Logger {
  const options = { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === 'json') return pino(options, { write });
  return pino(options, { write: (line: string) => write(prettyLine(line)) });
}

/** A field value short enough for one readable line; the JSON format keeps it whole. */
function fieldText(value: unknown): string {
  if (Array.isArray(value) && value.length > 3) return `[${value.length} entries]`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** One pino JSON line as text; lines that are not JSON pass through unchanged. */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry['time'] === 'string' ? entry['time'].slice(11, 23) : '';
  const level = LEVEL_NAMES[Number(entry['level'])] ?? String(entry['level']);
  const source = String(entry['service'] ?? entry['component'] ?? 'roost').padEnd(12);
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  return `${time} ${level} ${source} ${String(entry['msg'] ?? '')}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}\n`;
}
