import { allAgents } from './agent-table';
import { SKIP_REASONS, type SkipReason } from './agent-record';
import type { SkipCounts } from './rollout-events';
import type { RolloutState } from './state';

const REASON_TEXT: Readonly<Record<SkipReason, string>> = {
  disconnected: 'disconnected',
  no_accepts_remote_config: 'do not advertise AcceptsRemoteConfig',
  locked_by_other_rollout: 'held by another active rollout',
  already_on_config: 'already run this config',
  no_previous_config: 'never had a remote config to return to',
  previous_config_unknown: 'run a remote config Roost does not hold, so a rollback could not return them to it',
  superseded: 'changed config since the undone rollout (superseded)',
  missing_components: 'lack a component the config uses (from their AvailableComponents)',
};

/** Agents of the target that are not members, by why (only reasons that occur). */
export function skipCounts(state: RolloutState): SkipCounts {
  const counts: Partial<Record<SkipReason, number>> = {};
  for (const agent of allAgents(state.agents)) {
    if (agent.membership === 'skipped' && agent.skip !== null) counts[agent.skip.reason] = (counts[agent.skip.reason] ?? 0) + 1;
  }
  return counts;
}

/** What the reasons mean for an undo, where "the config" is each agent's own from before the undone rollout. */
const UNDO_REASON_TEXT: Readonly<Partial<Record<SkipReason, string>>> = {
  already_on_config: 'already run the config they ran before it',
  no_previous_config: 'ran no remote config before it (an empty config would stop their collector)',
};

/** `189 never had a remote config to return to, 2 disconnected`, in a fixed order of reasons (`undo`: in an undo's words). */
export function describeSkips(counts: SkipCounts, undo = false): string {
  return SKIP_REASONS.filter((reason) => (counts[reason] ?? 0) > 0)
    .map((reason) => `${counts[reason]} ${(undo ? UNDO_REASON_TEXT[reason] : undefined) ?? REASON_TEXT[reason]}`)
    .join(', ');
}

/** True when some agents were left out only because nothing could bring them back on failure. */
export function skippedForNoFallback(counts: SkipCounts): boolean {
  return (counts.no_previous_config ?? 0) > 0 || (counts.previous_config_unknown ?? 0) > 0;
}
