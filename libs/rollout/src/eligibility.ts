import { attributeOf, hasCapability, type FleetAgent } from '@roost/fleet';
import type { EnrolledAgent, SkipReason } from './agent-record';
import type { RolloutSettings } from './settings';

/**
 * Why an agent matching the target cannot take part, or null when it can. Checked in this
 * order, so the reason given is the first obstacle.
 */
export function skipReason(agent: FleetAgent, previousConfigHash: string | null, lockedBy: string | null, settings: RolloutSettings): SkipReason | null {
  if (!agent.connected) return 'disconnected';
  if (!hasCapability(agent.capabilities, 'AcceptsRemoteConfig')) return 'no_accepts_remote_config';
  if (lockedBy !== null && lockedBy !== settings.rolloutId) return 'locked_by_other_rollout';
  if (previousConfigHash === settings.configHash) return 'already_on_config';
  // An empty config map is no answer on rollback: the collector supervisor would run nothing.
  if (previousConfigHash === null && settings.baselineConfigHash === null && !settings.acceptKeepNewOnFailure) return 'no_previous_config';
  return null;
}

export function enrol(agent: FleetAgent, previousConfigHash: string | null, settings: RolloutSettings): EnrolledAgent {
  return {
    agentId: agent.agentId,
    stratum: settings.stratifyBy === null ? null : (attributeOf(agent, settings.stratifyBy) ?? ''),
    previousConfigHash,
    reportsRemoteConfig: hasCapability(agent.capabilities, 'ReportsRemoteConfig'),
    reportsHealth: hasCapability(agent.capabilities, 'ReportsHealth'),
  };
}
