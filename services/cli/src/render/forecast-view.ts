import type { RolloutForecast } from '../api-types';
import { duration, shortHash, table } from './table';

/** Agents named per phase in the table (`-o json` has five and every agent of the first phase). */
const TABLE_SAMPLE = 2;

/** Who lacks a component the config uses (they would fail), and what the start does with them. */
function componentLines(missing: RolloutForecast['missingComponents']): string[] {
  const unreported = missing.unreported > 0 ? ` (${missing.unreported} never reported their components: not judged)` : '';
  if (missing.agents === 0) return missing.required.length === 0 ? [] : [`  components: no agent lacks one of the ${missing.required.length} the config uses${unreported}`];
  const what = { exclude: 'left out (missing_components)', include: 'they take part and would fail (--missing-components include)', refuse: 'the start would be refused' }[missing.policy];
  const byComponent = Object.entries(missing.byComponent).map(([component, agents]) => `${component} ×${agents}`).join(', ');
  const sample = missing.sample.slice(0, TABLE_SAMPLE).map((agent) => `${agent.agentId} (${agent.missing.join(', ')})`).join(', ');
  return [`  lacking components: ${missing.agents} agents lack ${byComponent}: ${what}${unreported}`, `    e.g. ${sample}${missing.agents > TABLE_SAMPLE ? ', …' : ''}`];
}

/** `roost rollout plan`: who each phase would reach, who would be skipped and why, how long at the earliest. */
export function renderForecast(forecast: RolloutForecast): string {
  const lines = [
    `plan for rollout ${forecast.rolloutId}: ${forecast.target}, config ${shortHash(forecast.configHash)}: ${forecast.matched} agents match, ${forecast.members} would take part`,
  ];
  for (const [reason, count] of Object.entries(forecast.skipped)) {
    const sample = forecast.skippedSample[reason] ?? [];
    lines.push(`  skipped: ${count} ${reason.replaceAll('_', ' ')}${sample.length > 0 ? ` (e.g. ${sample.slice(0, TABLE_SAMPLE).join(', ')}${count > TABLE_SAMPLE ? ', …' : ''})` : ''}`);
  }
  const rows = forecast.phases.map((phase) => [
    phase.name,
    phase.size,
    phase.agents,
    phase.cumulative,
    `${duration(phase.windowMs)}${phase.requireApproval ? ' + approval' : ''}`,
    phase.byStratum === null ? '' : Object.entries(phase.byStratum).map(([stratum, count]) => `${stratum} ${count}`).join(', '),
    phase.sample.slice(0, TABLE_SAMPLE).join(' ') + (phase.agents > TABLE_SAMPLE ? ' …' : ''),
  ]);
  const body = table(['phase', 'size', 'adds', 'total', 'window', 'by stratum', 'first agents'], rows)
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`);
  lines.push(...body, `  at the earliest: ${duration(forecast.earliestMs)} (every window in turn)`, ...componentLines(forecast.missingComponents));
  for (const warning of forecast.warnings) lines.push(`  warning: ${warning.message}`);
  lines.push(`  start these canaries: the same command as roost rollout start, with --id ${forecast.rolloutId}`);
  return `${lines.join('\n')}\n`;
}
