import { SimulatorError } from './simulator-error';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `250`, `250ms`, `1.5s`, `2m`, `1h` as milliseconds (a bare number is milliseconds). */
export function parseDuration(text: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new SimulatorError('simulator.bad_option', `${what}: "${text}" is not a duration (e.g. 500ms, 2s, 1m)`);
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? 'ms'] as number));
}

/** `200ms-1.5s` (a range) or `1s` (a fixed time) as { min, max } in milliseconds. */
export function parseDurationRange(text: string, what: string): { min: number; max: number } {
  const parts = text.split('-');
  if (parts.length > 2) throw new SimulatorError('simulator.bad_option', `${what}: "${text}" is not a duration or a range like 200ms-1.5s`);
  const min = parseDuration(parts[0] as string, what);
  const max = parts.length === 2 ? parseDuration(parts[1] as string, what) : min;
  if (max < min) throw new SimulatorError('simulator.bad_option', `${what}: the range "${text}" ends before it starts`);
  return { min, max };
}
