import { SimulatorError } from './simulator-error';

/** A value and its weight within a distribution. */
export interface Share {
  readonly value: string;
  readonly weight: number;
}

/**
 * Reads `production:70,staging:30` (weights, any scale) or `eu-west-1,us-east-1` (equal
 * weights). `what` names the setting in errors.
 */
export function parseShares(text: string, what: string): Share[] {
  const shares = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part): Share => {
      const colon = part.lastIndexOf(':');
      if (colon === -1) return { value: part, weight: 1 };
      const value = part.slice(0, colon).trim();
      const weight = Number(part.slice(colon + 1));
      if (value === '' || !Number.isFinite(weight) || weight < 0) {
        throw new SimulatorError('simulator.bad_distribution', `${what}: "${part}" is not name:weight with a weight >= 0 (e.g. production:70,staging:30)`);
      }
      return { value, weight };
    });
  if (shares.length === 0 || shares.every((share) => share.weight === 0)) {
    throw new SimulatorError('simulator.bad_distribution', `${what}: give at least one name with a positive weight (e.g. production:70,staging:30)`);
  }
  const names = new Set(shares.map((share) => share.value));
  if (names.size !== shares.length) throw new SimulatorError('simulator.bad_distribution', `${what}: a name appears twice in "${text}"`);
  return shares;
}

/**
 * Exactly `count` values in share order, each share getting its proportional part and the
 * remainders going to the largest fractions (so 300 agents at 70:30 are exactly 210 and 90).
 */
export function allocate(count: number, shares: readonly Share[]): string[] {
  const total = shares.reduce((sum, share) => sum + share.weight, 0);
  const exact = shares.map((share) => (count * share.weight) / total);
  const counts = exact.map(Math.floor);
  let left = count - counts.reduce((sum, n) => sum + n, 0);
  const byFraction = exact.map((value, index) => ({ index, fraction: value - Math.floor(value) })).sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (const { index } of byFraction) {
    if (left === 0) break;
    counts[index] = (counts[index] ?? 0) + 1;
    left -= 1;
  }
  return shares.flatMap((share, index) => Array.from({ length: counts[index] ?? 0 }, () => share.value));
}
