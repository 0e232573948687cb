import type { Phase, Rollout, RolloutListItem } from '../api-types';
import { bar, duration, shortHash, table } from './table';

/** A rollout as the admin API returns it: its status, its phases and its failure groups. */
export type RolloutResource = Rollout;

const FINAL = new Set(['completed', 'rolled_back', 'aborted', 'failed']);

export function isFinal(status: string): boolean {
  return FINAL.has(status);
}

/** Several lines: the rollout, one bar per phase, and the failures with their error text. */
export function renderRollout(rollout: RolloutResource, now: number): string {
  const lines = [headline(rollout), `  ${summaryLine(rollout, now)}`, ...undoLines(rollout)];
  const width = Math.max(...rollout.phases.map((phase) => phase.name.length), 5);
  const sofar = { applied: 0, failed: 0, pending: 0, targeted: 0 };
  for (const phase of rollout.phases) {
    sofar.applied += phase.applied;
    sofar.failed += phase.failed;
    sofar.pending += phase.pending;
    sofar.targeted += phase.targeted;
    lines.push(`  ${phaseLine(phase, sofar, width, rollout.status === 'paused' ? (rollout.timestamps['paused'] ?? now) : null, now)}`);
    lines.push(...dataPlaneLines(phase));
  }
  if (rollout.failureReason) lines.push(`  why: ${rollout.failureReason}`);
  if (rollout.failures.length > 0) {
    lines.push('  failures:');
    for (const failure of rollout.failures.slice(0, 5)) lines.push(`    ${failure.agents} agent${failure.agents === 1 ? '' : 's'}: ${failure.message}`);
    if (rollout.failures.length > 5) lines.push(`    … and ${rollout.failures.length - 5} more kinds of failure`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A phase's data-plane gates as judged: per gate, canary against control with the threshold, and
 * why it failed or was not judged; then what the judgement left out.
 *   data plane  exporter.failed_ratio <= control+0.01   canary 1  control 0  threshold 0.01  FAIL: canary 1 is not <= 0.01 (control 0)
 */
export function dataPlaneLines(phase: Phase): string[] {
  const judgement = phase.gate?.dataPlane;
  if (judgement === undefined) return [];
  const figure = (value: number | null): string => (value === null ? '-' : String(Math.round(value * 10_000) / 10_000));
  const lines = judgement.gates.map((gate) => {
    const outcome = gate.outcome === 'not_judged' ? 'not judged' : gate.outcome.toUpperCase();
    return `    data plane  ${gate.gate}   canary ${figure(gate.canary)}  control ${figure(gate.control)}  threshold ${figure(gate.threshold)}  ${outcome}${gate.note ? `: ${gate.note}` : ''}`;
  });
  lines.push(`    cohorts     canary ${judgement.canary.reporting}/${judgement.canary.agents} reporting, control ${judgement.control.reporting}/${judgement.control.agents} reporting`);
  if (judgement.waiting !== undefined) lines.push(`    waiting     ${judgement.waiting}`);
  for (const note of judgement.notes) lines.push(`    note        ${note}`);
  return lines;
}

/** The link between an undo and the rollout it undoes, and who the undo left alone and why. */
function undoLines(rollout: RolloutResource): string[] {
  const lines: string[] = [];
  if (rollout.undoOf) {
    const skipped = Object.entries(rollout.skippedBy).map(([reason, agents]) => `${agents} ${reason}`);
    lines.push(`  undo of ${rollout.undoOf}: each agent goes back to the config it ran before${skipped.length > 0 ? `; left alone: ${skipped.join(', ')}` : ''}`);
  }
  if (rollout.undoneBy) lines.push(`  undone by ${rollout.undoneBy} (roost rollout status ${rollout.undoneBy})`);
  return lines;
}

function headline(rollout: RolloutResource): string {
  // An undo sends each agent its own config; its configHash is the one most of them go back to.
  const config = rollout.undoOf ? `configs per agent (mostly ${shortHash(rollout.configHash)})` : `config ${shortHash(rollout.configHash)}`;
  return `rollout ${rollout.rolloutId}  ${rollout.target}  ${config}  ${rollout.status.toUpperCase()}`;
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
  if (rollout.status === 'paused') parts.push(pausedText(rollout));
  return parts.join(' · ');
}

/** `paused by ada: latency alert (roost rollout resume)`; a failed phase pauses with no one behind it. */
function pausedText(rollout: RolloutResource): string {
  const who = rollout.pausedBy === 'phase_failed' ? 'a failed phase' : (rollout.pausedByActor ?? 'an operator');
  const next = rollout.pausedBy === 'phase_failed' ? 'roost rollout promote, rollback or abort' : 'roost rollout resume';
  return `paused by ${who}${rollout.pauseReason ? `: ${rollout.pauseReason}` : ''} (${next})`;
}

/**
 * Phase sizes are cumulative (10% includes the canaries' 2%), so are the figures: agents of this
 * phase and every one before it, out of the phase's allowance.
 */
function phaseLine(phase: Phase, sofar: { applied: number; failed: number; pending: number; targeted: number }, nameWidth: number, pausedAt: number | null, now: number): string {
  const started = phase.state !== 'planned';
  // Late joiners can take a phase past the allowance it started with: never show "8/5 applied".
  const size = Math.max(phase.allowance ?? 0, sofar.targeted);
  const figures = started
    ? `${String(sofar.applied).padStart(4)}/${String(size).padEnd(4)} applied${sofar.failed > 0 ? `, ${sofar.failed} failed` : ''}${sofar.pending > 0 ? `, ${sofar.pending} pending` : ''}`
    : '';
  return `${phase.name.padEnd(nameWidth)} ${phase.size.padStart(9)} ${bar(started ? sofar.applied + sofar.failed : 0, size)} ${figures.padEnd(34)}  ${phaseState(phase, pausedAt, now)}`;
}

/** `pausedAt`: when the rollout paused, while it is: the window stands still then. */
function phaseState(phase: Phase, pausedAt: number | null, now: number): string {
  switch (phase.state) {
    case 'planned':
      return 'planned';
    case 'running':
      if (pausedAt !== null && phase.windowEndsAt !== null) return `window stopped, ${duration(Math.max(0, phase.windowEndsAt - pausedAt))} left`;
      return phase.windowEndsAt !== null && phase.windowEndsAt > now ? `observing, ${duration(phase.windowEndsAt - now)} left` : 'observing';
    case 'awaiting_approval':
      return 'awaiting approval';
    case 'passed':
      return phase.passedBy === 'promote' ? 'passed (promoted)' : 'passed';
    case 'failed':
      return 'FAILED';
    case 'stopped':
      return 'stopped';
    default:
      return phase.state satisfies never;
  }
}

/** The `rollout list` table. */
export function renderRolloutList(items: readonly RolloutListItem[]): string {
  return table(
    ['id', 'target', 'status', 'phase', 'applied', 'failed', 'members', 'config', 'started'],
    items.map((item) => [item.rolloutId, item.target, item.status, item.currentPhase ?? '-', item.counts.applied, item.counts.failed, item.members, shortHash(item.configHash), new Date(item.startedAt).toISOString().replace('T', ' ').slice(0, 19)]),
    'no rollouts yet: start one with roost rollout start --group <group> --config <name>',
  );
}
