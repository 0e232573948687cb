import { defaultGroupOf, type FleetAgent } from '@roost/fleet';

/** Most known groups a refusal lists. */
const LISTED = 20;

export interface GroupSuggestions {
  /** Groups of the fleet with their agent counts, largest first (at most 20). */
  readonly known: readonly { readonly group: string; readonly agents: number }[];
  /** Known groups whose name is closest to the one asked for (a typo, a different case), best first. */
  readonly closest: readonly string[];
}

/**
 * What to offer someone who named a group no agent belongs to: the groups the fleet has, and
 * the ones whose names are nearest to theirs (at most a third of the name's letters away).
 */
export function groupSuggestions(asked: string, fleet: readonly FleetAgent[]): GroupSuggestions {
  const counts = new Map<string, number>();
  for (const agent of fleet) {
    const group = defaultGroupOf(agent);
    if (group !== null) counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  const known = [...counts].map(([group, agents]) => ({ group, agents })).sort((a, b) => b.agents - a.agents || a.group.localeCompare(b.group));
  const limit = Math.max(2, Math.ceil(asked.length / 3));
  const closest = [...counts.keys()]
    .map((group) => ({ group, distance: editDistance(asked.toLowerCase(), group.toLowerCase()) }))
    .filter((entry) => entry.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.group.localeCompare(b.group))
    .slice(0, 3)
    .map((entry) => entry.group);
  return { known: known.slice(0, LISTED), closest };
}

/** Levenshtein distance: insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
