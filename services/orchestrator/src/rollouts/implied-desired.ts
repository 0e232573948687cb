import type { DesiredConfig } from '@roost/contracts';
import { rolloutAgents, type DesiredConfigAssignment, type RolloutState } from '@roost/rollout';
import type { DesiredLedger } from './rollout-store';

/**
 * The desired config a rollout's history gives each agent it touched: the rollout's config
 * once targeted, or the config it was reverted to (an agent that keeps the new config on
 * rollback keeps its targeted entry).
 */
export function impliedDesired(state: RolloutState): DesiredConfigAssignment[] {
  const assignments: DesiredConfigAssignment[] = [];
  for (const agent of rolloutAgents(state)) {
    if (agent.revert !== null && agent.revert.source !== 'kept_new') assignments.push({ agentId: agent.agentId, configHash: agent.revert.configHash });
    else if (agent.targetedAt !== null) assignments.push({ agentId: agent.agentId, configHash: state.settings.configHash });
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
