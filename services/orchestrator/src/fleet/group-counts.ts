import type { GroupListResult } from '@roost/contracts';
import { defaultGroupOf, hasCapability, matchesTarget, type FleetAgent, type Target } from '@roost/fleet';

interface Counts {
  agents: number;
  connected: number;
  acceptsRemoteConfig: number;
}

const zero = (): Counts => ({ agents: 0, connected: 0, acceptsRemoteConfig: 0 });

function count(counts: Counts, agent: FleetAgent): void {
  counts.agents += 1;
  if (!agent.connected) return;
  counts.connected += 1;
  if (hasCapability(agent.capabilities, 'AcceptsRemoteConfig')) counts.acceptsRemoteConfig += 1;
}

/** Default groups (`service.environment`) with agent counts, sorted by name. */
export function listGroups(agents: Iterable<FleetAgent>): GroupListResult {
  const groups = new Map<string, Counts>();
  const ungrouped = zero();
  for (const agent of agents) {
    const group = defaultGroupOf(agent);
    if (group === null) {
      count(ungrouped, agent);
      continue;
    }
    let counts = groups.get(group);
    if (counts === undefined) groups.set(group, (counts = zero()));
    count(counts, agent);
  }
  const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { groups: sorted.map(([group, counts]) => ({ group, ...counts })), ungrouped };
}

/** How many agents a target matches now, and how many of those active rollouts hold. */
export function previewTarget(target: Target, agents: Iterable<FleetAgent>, lockedBy: (agentId: string) => string | null): Counts & { heldByActiveRollouts: Record<string, number> } {
  const counts = zero();
  const held: Record<string, number> = {};
  for (const agent of agents) {
    if (!matchesTarget(target, agent)) continue;
    count(counts, agent);
    const holder = lockedBy(agent.agentId);
    if (holder !== null) held[holder] = (held[holder] ?? 0) + 1;
  }
  return { ...counts, heldByActiveRollouts: held };
}
