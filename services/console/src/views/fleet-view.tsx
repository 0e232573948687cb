import { useState } from 'preact/hooks';
import { api } from '../api-client';
import type { Agent, AgentPage, GroupList } from '../api-types';
import { shortHash } from '../format';
import { hrefs } from '../route';
import { useLoad, useSession } from '../session';

export const FLEET_FILTERS = ['selector', 'group', 'connected', 'health'] as const;
type FleetFilter = (typeof FLEET_FILTERS)[number];

/** The fleet page with what it reads: the groups and the agents matching the query's filters. */
export function FleetView({ query }: { query: URLSearchParams }) {
  const { go } = useSession();
  const data = useLoad(async (signal) => {
    const params = new URLSearchParams({ limit: '200' });
    for (const name of FLEET_FILTERS) {
      const value = query.get(name);
      if (value !== null && value !== '') params.set(name, value);
    }
    const [groups, agents] = await Promise.all([api.get<GroupList>('/groups', signal), api.get<AgentPage>(`/agents?${params.toString()}`, signal)]);
    return { groups, agents };
  });
  return <FleetPage groups={data?.groups ?? null} agents={data?.agents ?? null} query={query} onFilter={(filters) => go(`#/fleet?${filters.toString()}`)} />;
}

export interface FleetPageProps {
  /** Null while being read. */
  readonly groups: GroupList | null;
  readonly agents: AgentPage | null;
  readonly query: URLSearchParams;
  /** The filters submitted, empty ones left out. */
  onFilter(filters: URLSearchParams): void;
}

/** The fleet: each group's counters and configs (name@version), and the agents matching a filter. */
export function FleetPage({ groups, agents, query, onFilter }: FleetPageProps) {
  const configName = (hash: string): string => groups?.refs[hash] ?? shortHash(hash);
  return (
    <>
      <h1>Fleet</h1>
      <section class="cards" data-testid="groups" aria-busy={groups === null}>
        {groups === null ? null : [{ group: '(fleet)', ...groups.fleet }, ...groups.groups].map((group) => <GroupCard key={group.group} group={group} configName={configName} />)}
      </section>
      <h2>Agents</h2>
      <FilterForm query={query} groups={groups?.groups.map((group) => group.group) ?? []} onFilter={onFilter} />
      <section data-testid="agents" aria-busy={agents === null}>
        {agents === null ? null : <AgentTable agents={agents} configName={configName} />}
      </section>
    </>
  );
}

type GroupSummary = GroupList['fleet'] & { group: string };

function GroupCard({ group, configName }: { group: GroupSummary; configName: (hash: string) => string }) {
  const configs =
    Object.entries(group.configs)
      .sort((a, b) => b[1] - a[1])
      .map(([hash, count]) => `${configName(hash)} ×${count}`)
      .join(', ') || '—';
  return (
    <a class="card" href={group.group === '(fleet)' ? '#/fleet' : `#/fleet?group=${encodeURIComponent(group.group)}`} data-testid={`group-${group.group}`}>
      <strong>{group.group}</strong>
      <span data-testid="group-agents">{group.agents} agents</span>
      <span>{group.connected} connected</span>
      <span>
        {group.health.healthy} healthy, {group.health.unhealthy} unhealthy
      </span>
      <span class="muted">{configs}</span>
    </a>
  );
}

function FilterForm({ query, groups, onFilter }: { query: URLSearchParams; groups: string[]; onFilter: (filters: URLSearchParams) => void }) {
  const [values, setValues] = useState<Record<FleetFilter, string>>(() => ({ selector: query.get('selector') ?? '', group: query.get('group') ?? '', connected: query.get('connected') ?? '', health: query.get('health') ?? '' }));
  const set = (name: FleetFilter) => (event: Event) => setValues({ ...values, [name]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  const select = (name: FleetFilter, options: string[]) => (
    <select name={name} aria-label={name} value={values[name]} onChange={set(name)}>
      <option value="">any {name}</option>
      {options.map((option) => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </select>
  );
  return (
    <form
      class="filters"
      onSubmit={(event) => {
        event.preventDefault();
        onFilter(new URLSearchParams(FLEET_FILTERS.filter((name) => values[name] !== '').map((name) => [name, values[name]])));
      }}
    >
      <input name="selector" aria-label="label selector" placeholder="label selector, e.g. cloud.region in (eu-west-1)" value={values.selector} onInput={set('selector')} />
      {select('group', groups)}
      {select('connected', ['true', 'false'])}
      {select('health', ['healthy', 'unhealthy', 'unknown'])}
      <button type="submit">Filter</button>
    </form>
  );
}

function AgentTable({ agents, configName }: { agents: AgentPage; configName: (hash: string) => string }) {
  if (agents.items.length === 0) return <p class="muted">No agent matches.</p>;
  return (
    <>
      <p class="muted" data-testid="agent-total">
        {agents.total} agents{agents.total > agents.items.length ? `, the first ${agents.items.length} shown` : ''}
      </p>
      <table class="striped">
        <thead>
          <tr>
            {['agent', 'group', 'connection', 'health', 'config', 'transport', 'gateway'].map((title) => (
              <th key={title}>{title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {agents.items.map((agent) => (
            <AgentRow key={agent.agentId} agent={agent} configName={configName} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function AgentRow({ agent, configName }: { agent: Agent; configName: (hash: string) => string }) {
  const name = agent.nonIdentifying['host.name'] ?? agent.identifying['service.instance.id'] ?? '';
  const health = agent.healthState === 'healthy' ? 'ok' : agent.healthState === 'unhealthy' ? 'bad' : '';
  return (
    <tr data-testid="agent-row">
      <td>
        <a href={hrefs.agent(agent.agentId)}>{agent.agentId}</a>
        {name === '' ? null : <span class="muted"> {name}</span>}
      </td>
      <td>{agent.group}</td>
      <td>
        <span class={`pill ${agent.connected ? 'ok' : 'bad'}`}>{agent.connected ? 'connected' : 'disconnected'}</span>
      </td>
      <td>
        <span class={`pill ${health}`}>{agent.healthState}</span>
      </td>
      <td>{configName(agent.currentConfigHash)}</td>
      <td>{agent.transport}</td>
      <td>{agent.gatewayId}</td>
    </tr>
  );
}
