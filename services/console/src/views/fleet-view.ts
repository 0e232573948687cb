import { api } from '../api-client';
import type { Agent, AgentPage, GroupList } from '../api-types';
import { h, replace, shortHash } from '../dom';
import type { Page } from '../page';

const FILTERS = ['selector', 'group', 'connected', 'health'] as const;

/** The fleet: each group's counters and configs (name@version), and the agents matching a filter. */
export async function fleetView(page: Page, query: URLSearchParams): Promise<void> {
  const groupsBox = h('section', { className: 'cards', 'data-testid': 'groups' });
  const table = h('section', { 'data-testid': 'agents' });
  const form = filterForm(page, query);
  replace(page.main, h('h1', {}, 'Fleet'), groupsBox, h('h2', {}, 'Agents'), form, table);

  const params = new URLSearchParams({ limit: '200' });
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value !== null && value !== '') params.set(name, value);
  }
  const [groups, agents] = await Promise.all([api.get<GroupList>('/groups'), api.get<AgentPage>(`/agents?${params.toString()}`)]);
  const configName = (hash: string): string => groups.refs[hash] ?? shortHash(hash);
  const configs = (counts: Record<string, number>): string =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([hash, count]) => `${configName(hash)} ×${count}`)
      .join(', ') || '—';
  replace(
    groupsBox,
    [{ group: '(fleet)', ...groups.fleet }, ...groups.groups].map((group) =>
      h(
        'a',
        { className: 'card', href: group.group === '(fleet)' ? '#/fleet' : `#/fleet?group=${encodeURIComponent(group.group)}`, 'data-testid': `group-${group.group}` },
        h('strong', {}, group.group),
        h('span', { 'data-testid': 'group-agents' }, `${group.agents} agents`),
        h('span', {}, `${group.connected} connected`),
        h('span', {}, `${group.health.healthy} healthy, ${group.health.unhealthy} unhealthy`),
        h('span', { className: 'muted' }, configs(group.configs)),
      ),
    ),
  );
  replace(table, agentTable(agents, configName));
  if (page.signal.aborted) return;
  form.querySelector<HTMLSelectElement>('select[name=group]')?.append(...groups.groups.map((group) => h('option', { value: group.group, selected: group.group === query.get('group') }, group.group)));
}

function filterForm(page: Page, query: URLSearchParams): HTMLFormElement {
  const select = (name: string, options: string[]) =>
    h('select', { name }, h('option', { value: '' }, `any ${name}`), options.map((option) => h('option', { value: option, selected: option === query.get(name) }, option)));
  return h(
    'form',
    {
      className: 'filters',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const data = new FormData(event.target as HTMLFormElement);
        const next = new URLSearchParams();
        for (const name of FILTERS) {
          const value = String(data.get(name) ?? '');
          if (value !== '') next.set(name, value);
        }
        page.go(`#/fleet?${next.toString()}`);
      },
    },
    h('input', { name: 'selector', placeholder: 'label selector, e.g. cloud.region in (eu-west-1)', value: query.get('selector') ?? '', size: 44 }),
    h('select', { name: 'group' }, h('option', { value: '' }, 'any group')),
    select('connected', ['true', 'false']),
    select('health', ['healthy', 'unhealthy', 'unknown']),
    h('button', { type: 'submit' }, 'Filter'),
  );
}

function agentTable(agents: AgentPage, configName: (hash: string) => string): HTMLElement {
  if (agents.items.length === 0) return h('p', { className: 'muted' }, 'No agent matches.');
  return h(
    'div',
    {},
    h('p', { className: 'muted', 'data-testid': 'agent-total' }, `${agents.total} agents${agents.total > agents.items.length ? `, the first ${agents.items.length} shown` : ''}`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ['agent', 'group', 'connection', 'health', 'config', 'transport', 'gateway'].map((title) => h('th', {}, title)))),
      h('tbody', {}, agents.items.map((agent) => agentRow(agent, configName))),
    ),
  );
}

function agentRow(agent: Agent, configName: (hash: string) => string): HTMLElement {
  const name = agent.nonIdentifying['host.name'] ?? agent.identifying['service.instance.id'] ?? '';
  return h(
    'tr',
    { 'data-testid': 'agent-row' },
    h('td', {}, h('a', { href: `#/agents/${encodeURIComponent(agent.agentId)}` }, agent.agentId), name === '' ? null : h('span', { className: 'muted' }, ` ${name}`)),
    h('td', {}, agent.group),
    h('td', {}, h('span', { className: `pill ${agent.connected ? 'ok' : 'bad'}` }, agent.connected ? 'connected' : 'disconnected')),
    h('td', {}, h('span', { className: `pill ${agent.healthState === 'healthy' ? 'ok' : agent.healthState === 'unhealthy' ? 'bad' : ''}` }, agent.healthState)),
    h('td', {}, configName(agent.currentConfigHash)),
    h('td', {}, agent.transport),
    h('td', {}, agent.gatewayId),
  );
}
