import type { PhaseSpec } from '@roost/rollout';
import { CliError } from './cli-error';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * `canary:2%:5m,10%:5m,50%:3m:approve,100%`: each phase is `[name:]size[:window][:approve]`,
 * size `N%` of the target or `N` agents (cumulative), window a duration (`30s`, `5m`).
 */
export function parsePlan(text: string): PhaseSpec[] {
  const phases = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parsePhase);
  if (phases.length === 0) throw usage(text, 'give at least one phase');
  return phases;
}

function parsePhase(text: string): PhaseSpec {
  const parts = text.split(':').map((part) => part.trim());
  const phase: { name?: string; percent?: number; count?: number; windowMs?: number; requireApproval?: boolean } = {};
  if (parts[0] !== undefined && !/^\d/.test(parts[0])) phase.name = parts.shift();
  const size = parts.shift();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(size ?? '');
  if (percent) phase.percent = Number(percent[1]);
  else if (/^\d+$/.test(size ?? '')) phase.count = Number(size);
  else throw usage(text, `"${size ?? ''}" is not a size: N% of the target or N agents`);
  for (const part of parts) {
    if (part === 'approve') phase.requireApproval = true;
    else phase.windowMs = durationMs(part, text);
  }
  return phase;
}

export function durationMs(text: string, context = text): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) throw usage(context, `"${text}" is not a duration such as 30s or 5m`);
  return Math.round(Number(match[1]) * (UNITS[match[2] as string] as number));
}

function usage(phase: string, reason: string): CliError {
  return new CliError('cli.usage', `--plan "${phase}": ${reason}`, 'e.g. --plan canary:2%:5m,10%:5m,50%:3m:approve,100%');
}
