import { isActive, type RolloutState } from './state';
import { rolloutAgent } from './summary';

/**
 * One active rollout per agent: the active rollout (other than `except`) that holds the agent —
 * it is a member there and has not left or been excluded — or null. The orchestrator passes the
 * answer as `lockedBy` / `lockedAgents`, so a start or a join of another rollout skips the agent.
 */
export function lockHolder(rollouts: Iterable<RolloutState>, agentId: string, except: string | null = null): string | null {
  for (const state of rollouts) {
    const rolloutId = state.settings.rolloutId;
    if (rolloutId === except || !isActive(state.status)) continue;
    const record = rolloutAgent(state, agentId);
    if (record?.membership === 'member' && record.exclusion === null) return rolloutId;
  }
  return null;
}
