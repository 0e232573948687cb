/** Where the person is: the console's pages are hash routes (`#/rollouts/<id>?…`), so the admin API serves one page. */
export type Section = 'fleet' | 'agents' | 'rollouts' | 'configs';

export interface Route {
  readonly section: Section;
  /** The path's parts after the section, decoded. */
  readonly parts: readonly string[];
  readonly query: URLSearchParams;
}

const SECTIONS: readonly Section[] = ['fleet', 'agents', 'rollouts', 'configs'];

/** The route of a location hash; anything unknown is the fleet. */
export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const section = SECTIONS.find((name) => name === parts[0]) ?? 'fleet';
  return { section, parts: section === parts[0] ? parts.slice(1) : [], query: new URLSearchParams(search) };
}

/** The hash of a rollout's, an agent's or a config's page. */
export const hrefs = {
  rollout: (rolloutId: string): string => `#/rollouts/${encodeURIComponent(rolloutId)}`,
  agent: (agentId: string): string => `#/agents/${encodeURIComponent(agentId)}`,
  config: (name: string, query?: Record<string, string | number>): string =>
    `#/configs/${encodeURIComponent(name)}${query === undefined ? '' : `?${new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)])).toString()}`}`,
};
