import type { AgentDetailView, FleetCountsView } from '@roost/views';
import { onlyFlags, text } from '../cli-arguments';
import { CliError } from '../cli-error';
import { printJson, type CommandContext, type ExitCode } from '../cli-io';
import { shortHash, table } from '../render/table';
import { query } from './config-commands';

interface AgentPage {
  readonly total: number;
  readonly offset: number;
  readonly items: readonly AgentDetailView[];
}

interface GroupList {
  readonly fleet: FleetCountsView;
  readonly groups: readonly (FleetCountsView & { readonly group: string })[];
}

/** `roost agents list [--group g] [--selector s] [--connected|--disconnected] [--health h]`. */
export async function agentsList(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, ['group', 'selector', 'connected', 'disconnected', 'health', 'limit', 'offset'], 'agents list');
  if (args.flags.has('connected') && args.flags.has('disconnected')) throw new CliError('cli.usage', 'choose --connected or --disconnected, not both');
  const connected = args.flags.has('connected') ? 'true' : args.flags.has('disconnected') ? 'false' : undefined;
  const page = await client.get<AgentPage>(
    `/api/v1/agents${query({ group: text(args, 'group'), selector: text(args, 'selector'), connected, health: text(args, 'health'), limit: text(args, 'limit'), offset: text(args, 'offset') })}`,
  );
  if (options.output === 'json') return printJson(io, page);
  io.out(
    table(
      ['agent', 'group', 'host', 'connected', 'health', 'config', 'remote config'],
      page.items.map((agent) => [
        agent.agentId,
        agent.group,
        agent.nonIdentifying['host.name'] ?? agent.identifying['host.name'] ?? '-',
        agent.connected ? 'yes' : 'no',
        agent.healthState,
        agent.currentConfigHash === 'none' ? 'none' : shortHash(agent.currentConfigHash),
        agent.remoteConfigStatus ? `${agent.remoteConfigStatus.status}${agent.remoteConfigStatus.errorMessage ? `: ${agent.remoteConfigStatus.errorMessage}` : ''}` : '-',
      ]),
      'no agents match',
    ),
  );
  const shown = page.offset + page.items.length;
  if (shown < page.total) io.out(`${page.items.length} of ${page.total} agents shown; next page: --offset ${shown}\n`);
  return 0;
}

/** `roost groups`: agents per `service.environment`, connected and healthy, and the fleet. */
export async function groups(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, [], 'groups');
  const list = await client.get<GroupList>('/api/v1/groups');
  if (options.output === 'json') return printJson(io, list);
  const row = (name: string, counts: FleetCountsView): (string | number)[] => [
    name,
    counts.agents,
    counts.connected,
    counts.health.healthy,
    counts.health.unhealthy,
    Object.entries(counts.configs)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([hash, agents]) => `${hash === 'none' ? 'none' : shortHash(hash)}×${agents}`)
      .join(' '),
  ];
  io.out(
    table(
      ['group', 'agents', 'connected', 'healthy', 'unhealthy', 'configs'],
      [...list.groups.map((group) => row(group.group, group)), ...(list.groups.length > 0 ? [row('(fleet)', list.fleet)] : [])],
      'no agents yet: point collectors (or npm run simulate) at the gateway',
    ),
  );
  return 0;
}
