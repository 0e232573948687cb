import { describeSize } from './plan';
import { memberCount, targetedCount, type RolloutState } from './state';

export type StartWarningCode = 'window.shorter_than_health_grace' | 'canary.single_agent';

/** Something about a started rollout the operator probably did not mean; it runs anyway. */
export interface StartWarning {
  readonly code: StartWarningCode;
  readonly message: string;
}

/** A canary of one agent out of more than this many members is worth a word. */
const SINGLE_CANARY_MEMBERS = 10;

/**
 * What deserves a warning in a rollout as it starts: a phase whose observation window ends
 * before an unhealthy agent could count as failed (its window is shorter than the health grace,
 * so the gate may pass over an agent still inside its grace), and a canary of a single agent in
 * a large group (one agent rarely tells much; `minCanaryAgents` sets a floor). Read from the
 * state the start left (phase 1 targeted).
 */
export function startWarnings(state: RolloutState): StartWarning[] {
  const warnings: StartWarning[] = [];
  const { plan, timing } = state.settings;
  const short = plan.slice(0, -1).filter((phase) => phase.windowMs < timing.healthGraceMs);
  if (short.length > 0) {
    const named = short.map((phase) => `${phase.name} (${seconds(phase.windowMs)})`).join(', ');
    warnings.push({
      code: 'window.shorter_than_health_grace',
      message: `the window of ${named} is shorter than the health grace (${seconds(timing.healthGraceMs)}): an agent turning unhealthy late in the window is not yet failed when the gate decides; lengthen the window or shorten timing.healthGraceMs`,
    });
  }
  const members = memberCount(state.counts);
  const canaryAgents = targetedCount(state.counts);
  const first = plan[0];
  if (canaryAgents === 1 && members > SINGLE_CANARY_MEMBERS && first !== undefined) {
    warnings.push({
      code: 'canary.single_agent',
      message: `the first phase (${first.name}, ${describeSize(first.size)}) targets 1 agent of ${members}: one agent rarely shows a problem; set minCanaryAgents (roost rollout start --min-canary N) or a larger first phase`,
    });
  }
  return warnings;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
