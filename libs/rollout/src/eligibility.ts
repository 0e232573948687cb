import { attributeOf, hasCapability, type FleetAgent } from '@roost/fleet';
import type { EnrolledAgent, SkipReason } from './agent-record';
import { missingComponents } from './components';
import type { UndoAgent } from './inputs';
import type { RolloutSettings } from './settings';

/**
 * Why an agent matching the target cannot take part, or null when it can. Checked in this
 * order, so the reason given is the first obstacle.
 */
export function skipReason(agent: FleetAgent, previousConfigHash: string | null, lockedBy: string | null, settings: RolloutSettings, runsUnknownConfig: string | null = null): SkipReason | null {
  const unreachable = reachabilityReason(agent, lockedBy, settings);
  if (unreachable !== null) return unreachable;
  if (previousConfigHash === settings.configHash) return 'already_on_config';
  if (settings.components !== undefined && missingComponents(agent, settings.components.required).length > 0) return 'missing_components';
  // An empty config map is no answer on rollback: the collector supervisor would run nothing.
  if (previousConfigHash === null && settings.baselineConfigHash === null && !settings.acceptKeepNewOnFailure) {
    return runsUnknownConfig === null ? 'no_previous_config' : 'previous_config_unknown';
  }
  return null;
}

/** Why an agent of an undone rollout cannot go back now: unreachable first, then what the undo judged of its config. */
export function undoSkipReason(agent: FleetAgent, undo: UndoAgent, settings: RolloutSettings): SkipReason | null {
  return reachabilityReason(agent, null, settings) ?? undo.skip;
}

function reachabilityReason(agent: FleetAgent, lockedBy: string | null, settings: RolloutSettings): SkipReason | null {
  if (!agent.connected) return 'disconnected';
  if (!hasCapability(agent.capabilities, 'AcceptsRemoteConfig')) return 'no_accepts_remote_config';
  if (lockedBy !== null && lockedBy !== settings.rolloutId) return 'locked_by_other_rollout';
  return null;
}

/** The member's record; `configHash` only when it goes to a config of its own (an undo). */
export function enrol(agent: FleetAgent, previousConfigHash: string | null, settings: RolloutSettings, configHash: string | null = null): EnrolledAgent {
  return {
    agentId: agent.agentId,
    stratum: settings.stratifyBy === null ? null : (attributeOf(agent, settings.stratifyBy) ?? ''),
    previousConfigHash,
    reportsRemoteConfig: hasCapability(agent.capabilities, 'ReportsRemoteConfig'),
    reportsHealth: hasCapability(agent.capabilities, 'ReportsHealth'),
    ...(configHash === null ? {} : { configHash }),
  };
}
