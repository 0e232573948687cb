import { earliestDeadline } from './agent-table';
import { isActive, windowEndsAt, type RolloutState } from './state';

/**
 * The time the orchestrator should send the next Tick: the earliest agent deadline (which may
 * already have passed: fire at once) or the end of the current phase's window if still ahead.
 */
export function nextDeadline(state: RolloutState, now: number): number | null {
  if (!isActive(state.status)) return null;
  const agents = earliestDeadline(state.agents);
  if (state.status !== 'in_progress' || state.awaitingApproval || state.phaseStartedAt === null) return agents;
  const windowEnd = windowEndsAt(state, now) ?? now;
  if (windowEnd <= now) return agents;
  return agents === null ? windowEnd : Math.min(agents, windowEnd);
}
