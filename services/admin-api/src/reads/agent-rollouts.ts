import type { ViewStore } from '@roost/ports';
import { listAgentRollouts, readAgentOutcome, readRolloutStatus, type AgentOutcome } from '@roost/views';
import { rolloutItem, type RolloutListItem } from './rollout-resource';

/** One rollout an agent took part in: the rollout as lists show it, and where the agent stands in it. */
export interface AgentRolloutItem {
  readonly rollout: RolloutListItem;
  readonly outcome: AgentOutcome;
}

export interface AgentRolloutPage {
  readonly total: number;
  readonly offset: number;
  readonly items: readonly AgentRolloutItem[];
}

/** A page of the rollouts an agent took part in (members and skipped), newest first. */
export async function readAgentRollouts(views: ViewStore, agentId: string, page: { offset: number; limit: number }): Promise<AgentRolloutPage> {
  const ids = await listAgentRollouts(views, agentId, { offset: page.offset, count: page.limit });
  const items = await Promise.all(
    ids.items.map(async ({ member: rolloutId }): Promise<AgentRolloutItem | null> => {
      const [status, outcome] = await Promise.all([readRolloutStatus(views, rolloutId), readAgentOutcome(views, rolloutId, agentId)]);
      return status === null || outcome === null ? null : { rollout: rolloutItem(status), outcome };
    }),
  );
  return { total: ids.total, offset: page.offset, items: items.filter((item): item is AgentRolloutItem => item !== null) };
}
