import type { EnrolledAgent } from './agent-record';
import type { RolloutSettings } from './settings';

/**
 * The config a rollout sends this agent: its own when it carries one (each member of an undo
 * goes back to the config it ran before the undone rollout), else the rollout's config. Every
 * rule that asks "did the agent apply the new config?" asks it through here.
 */
export function targetConfigOf(agent: Pick<EnrolledAgent, 'configHash'>, settings: Pick<RolloutSettings, 'configHash'>): string {
  return agent.configHash ?? settings.configHash;
}
