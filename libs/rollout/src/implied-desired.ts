import type { DesiredConfig } from '@roost/contracts';
import type { AgentRecord } from './agent-record';
import type { DesiredConfigAssignment } from './effects';
import type { RolloutSettings } from './settings';
import type { RolloutState } from './state';
import { rolloutAgents } from './summary';
import { targetConfigOf } from './target-config';

/** The config each agent was last assigned by any rollout event (targeted, or reverted to), in stream order. */
export type DesiredLedger = Map<string, { readonly configHash: string | null; readonly rolloutId: string }>;

/**
 * The desired config a rollout's history gives one agent: the config a rollback sent it back
 * to, else the config its release put it back on (null: none), else the rollout's config once
 * targeted (an agent that keeps the new config on rollback keeps its targeted entry);
 * undefined when the rollout never assigned it anything.
 */
export function impliedConfig(agent: AgentRecord, settings: RolloutSettings): string | null | undefined {
  if (agent.revert !== null && agent.revert.source !== 'kept_new') return agent.revert.configHash;
  if (agent.release !== null) return agent.release.configHash;
  if (agent.targetedAt !== null) return targetConfigOf(agent, settings);
  return undefined;
}

/** impliedConfig of every agent the rollout touched. */
export function impliedDesired(state: RolloutState): DesiredConfigAssignment[] {
  const assignments: DesiredConfigAssignment[] = [];
  for (const agent of rolloutAgents(state)) {
    const configHash = impliedConfig(agent, state.settings);
    if (configHash !== undefined) assignments.push({ agentId: agent.agentId, configHash });
  }
  return assignments;
}

/**
 * The ledger entries `agent-desired` does not reflect yet, grouped by the rollout that set
 * them. An entry set outside any rollout (rolloutId null) is left alone.
 */
export function staleDesired(ledger: DesiredLedger, current: (agentId: string) => DesiredConfig | undefined): Map<string, DesiredConfigAssignment[]> {
  const byRollout = new Map<string, DesiredConfigAssignment[]>();
  for (const [agentId, wanted] of ledger) {
    const entry = current(agentId);
    if (entry !== undefined && (entry.configHash === wanted.configHash || entry.rolloutId === null)) continue;
    let list = byRollout.get(wanted.rolloutId);
    if (list === undefined) byRollout.set(wanted.rolloutId, (list = []));
    list.push({ agentId, configHash: wanted.configHash });
  }
  return byRollout;
}

/**
 * What the rollout's history implies where `agent-desired` says otherwise (`current`: the
 * entry's hash, undefined when there is none), leaving alone agents another active rollout
 * holds now (`lockHolder`): that rollout's assignment is the newer one.
 */
export function desiredDrift(state: RolloutState, current: (agentId: string) => string | null | undefined, lockHolder: (agentId: string) => string | null): DesiredConfigAssignment[] {
  return impliedDesired(state).filter(({ agentId, configHash }) => current(agentId) !== configHash && lockHolder(agentId) === null);
}
