import type { FailureGroup, PhaseView, RolloutStatusView } from '@roost/views';
import { bar, duration, shortHash, table } from './table';

/** A rollout as the admin API returns it: its status, its phases and its failure groups. */
export type RolloutResource = RolloutStatusView & {
  readonly phases: readonly PhaseView[];
  readonly failures: readonly FailureGroup[];
};

const FINAL = new Set(['completed', 'rolled_back', 'aborted', 'failed']);

export function isFinal(status: string): boolean {
  return FINAL.has(status);
}

/** Several lines: the rollout, one bar per phase, and the failures with their error text. */
export function renderRollout(rollout: RolloutResource, now: number): string {
  const lines = [headline(rollout), `  ${summaryLine(rollout, now)}`];
  const width = Math.max(...rollout.phases.map((phase) => phase.name.length), 5);
  const sofar = { applied: 0, failed: 0, pending: 0, targeted: 0 };
  for (const phase of rollout.phases) {
    sofar.applied += phase.applied;
    sofar.failed += phase.failed;
    sofar.pending += phase.pending;
    sofar.targeted += phase.targeted;
    lines.push(`  ${phaseLine(phase, sofar, width, now)}`);
  }
  if (rollout.failureReason) lines.push(`  why: ${rollout.failureReason}`);
  if (rollout.failures.length > 0) {
    lines.push('  failures:');
    for (const failure of rollout.failures.slice(0, 5)) lines.push(`    ${failure.agents} agent${failure.agents === 1 ? '' : 's'}: ${failure.message}`);
    if (rollout.failures.length > 5) lines.push(`    … and ${rollout.failures.length - 5} more kinds of failure`);
  }
  return `${lines.join('\n')}\n`;
}

function headline(rollout: RolloutResource): string {
  return `rollout ${rollout.id}  ${rollout.target}  config ${shortHash(rollout.configHash)}  ${rollout.status.toUpperCase()}`;
}

function summaryLine(rollout: RolloutResource, now: number): string {
  const counts = rollout.counts;
  const parts = [
    `${counts.applied}/${rollout.members} applied`,
    `${counts.failed} failed`,
    `${counts.pending} pending`,
    ...(counts.disconnected > 0 ? [`${counts.disconnected} disconnected`] : []),
    ...(counts.skipped > 0 ? [`${counts.skipped} skipped`] : []),
    `threshold ${Math.round(rollout.threshold * 1000) / 10}%`,
    `${isFinal(rollout.status) ? 'took' : 'running for'} ${duration((rollout.endedAt ?? now) - rollout.startedAt)}`,
  ];
  if (rollout.awaitingApproval) parts.push('awaiting approval: roost rollout promote');
  if (rollout.status === 'paused') parts.push(`paused by ${rollout.pausedBy ?? 'operator'}: roost rollout resume`);
  return parts.join(' · ');
}

/**
 * Phase sizes are cumulative (10% includes the canaries' 2%), so are the figures: agents of this
 * phase and every one before it, out of the phase's allowance.
 */
function phaseLine(phase: PhaseView, sofar: { applied: number; failed: number; pending: number; targeted: number }, nameWidth: number, now: number): string {
  const started = phase.state !== 'planned';
  const size = phase.allowance ?? sofar.targeted;
  const figures = started
    ? `${String(sofar.applied).padStart(4)}/${String(size).padEnd(4)} applied${sofar.failed > 0 ? `, ${sofar.failed} failed` : ''}${sofar.pending > 0 ? `, ${sofar.pending} pending` : ''}`
    : '';
  return `${phase.name.padEnd(nameWidth)} ${phase.size.padStart(9)} ${bar(started ? sofar.applied + sofar.failed : 0, size)} ${figures.padEnd(34)}  ${phaseState(phase, now)}`;
}

function phaseState(phase: PhaseView, now: number): string {
  switch (phase.state) {
    case 'planned':
      return 'planned';
    case 'running':
      return phase.windowEndsAt !== null && phase.windowEndsAt > now ? `observing, ${duration(phase.windowEndsAt - now)} left` : 'observing';
    case 'awaiting_approval':
      return 'awaiting approval';
    case 'passed':
      return phase.passedBy === 'promote' ? 'passed (promoted)' : 'passed';
    case 'failed':
      return 'FAILED';
    default:
      return phase.state satisfies never;
  }
}

/** The `rollout list` table. */
export function renderRolloutList(items: readonly RolloutStatusView[]): string {
  return table(
    ['id', 'target', 'status', 'phase', 'applied', 'failed', 'members', 'config', 'started'],
    items.map((item) => [item.id, item.target, item.status, item.currentPhase ?? '-', item.counts.applied, item.counts.failed, item.members, shortHash(item.configHash), new Date(item.startedAt).toISOString().replace('T', ' ').slice(0, 19)]),
    'no rollouts yet: start one with roost rollout start --group <group> --config <name>',
  );
}
