import { matchesSelector, type Selector } from '@roost/fleet';
import type { ViewStore } from '@roost/ports';
import { fleetKeys, listAgents, readAgentDetail, type AgentDetailView, type HealthState } from '@roost/views';

export interface AgentFilter {
  readonly selector?: Selector;
  readonly group?: string;
  readonly connected?: boolean;
  readonly health?: HealthState;
}

export interface AgentPage {
  /** Agents matching the filter (the whole fleet or group without one). */
  readonly total: number;
  readonly offset: number;
  readonly items: readonly AgentDetailView[];
}

/** Agents read per round while filtering. */
const SCAN_CHUNK = 500;

export function agentMatches(agent: AgentDetailView, filter: AgentFilter): boolean {
  if (filter.connected !== undefined && agent.connected !== filter.connected) return false;
  if (filter.health !== undefined && agent.healthState !== filter.health) return false;
  return filter.selector === undefined || matchesSelector(filter.selector, agent);
}

/**
 * A page of the fleet's agents (or a group's), in the order they were first seen. Without a
 * selector, connection or health filter this reads one page of the index; with one it walks the
 * whole index (in chunks) to count the matches, so it costs a read per agent of the group.
 */
export async function queryAgents(views: ViewStore, filter: AgentFilter, page: { offset: number; limit: number }): Promise<AgentPage> {
  const filtered = filter.selector !== undefined || filter.connected !== undefined || filter.health !== undefined;
  if (!filtered) {
    const ids = await listAgents(views, { group: filter.group, offset: page.offset, count: page.limit });
    return { total: ids.total, offset: page.offset, items: await details(views, ids.items) };
  }
  const index = filter.group === undefined ? fleetKeys.agents : fleetKeys.groupAgents(filter.group);
  const items: AgentDetailView[] = [];
  let matched = 0;
  for (let start = 0; ; start += SCAN_CHUNK) {
    const chunk = await views.zrange(index, { offset: start, count: SCAN_CHUNK });
    for (const agent of await details(views, chunk.map((entry) => entry.member))) {
      if (!agentMatches(agent, filter)) continue;
      if (matched >= page.offset && items.length < page.limit) items.push(agent);
      matched += 1;
    }
    if (chunk.length < SCAN_CHUNK) break;
  }
  return { total: matched, offset: page.offset, items };
}

async function details(views: ViewStore, ids: readonly string[]): Promise<AgentDetailView[]> {
  const read = await Promise.all(ids.map((id) => readAgentDetail(views, id)));
  return read.filter((agent): agent is AgentDetailView => agent !== null);
}
