import { onlyFlags, text } from '../cli-arguments';
import { CliError } from '../cli-error';
import { printJson, type CommandContext, type ExitCode } from '../cli-io';
import type { AgentPage, FleetCounts, GroupList } from '../api-types';
import { shortHash, table } from '../render/table';
import { query } from './config-commands';


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
  const shownHashes = [list.fleet, ...list.groups].flatMap((counts) => topConfigs(counts.configs).map(([hash]) => hash));
  const labels = await configLabels(context, shownHashes);
  const row = (name: string, counts: FleetCounts): (string | number)[] => [
    name,
    counts.agents,
    counts.connected,
    counts.health.healthy,
    counts.health.unhealthy,
    configsCell(counts.configs, labels),
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

/** Configs shown per row of `roost groups`; the rest are counted, never dropped silently. */
const CONFIGS_SHOWN = 3;

function sortedConfigs(configs: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(configs).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function topConfigs(configs: Readonly<Record<string, number>>): [string, number][] {
  return sortedConfigs(configs).slice(0, CONFIGS_SHOWN);
}

/**
 * The most common configs as `label×agents` (the label is name@version for a config stored in
 * Roost, else the short hash), then `+N more (M agents)` when there are more.
 */
export function configsCell(configs: Readonly<Record<string, number>>, labels: ReadonlyMap<string, string> = new Map()): string {
  const sorted = sortedConfigs(configs);
  const label = (hash: string) => labels.get(hash) ?? (hash === 'none' ? 'none' : shortHash(hash));
  const shown = sorted.slice(0, CONFIGS_SHOWN).map(([hash, agents]) => `${label(hash)}×${agents}`);
  const rest = sorted.slice(CONFIGS_SHOWN);
  if (rest.length > 0) shown.push(`+${rest.length} more (${rest.reduce((sum, [, agents]) => sum + agents, 0)} agents)`);
  return shown.join(' ');
}

/** name@version of each hash that is a stored, named config version; other hashes (an agent's own effective config) are left out. */
async function configLabels({ client }: CommandContext, hashes: readonly string[]): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const histories = new Map<string, Promise<{ versions: readonly { version: number; hash: string }[] } | null>>();
  for (const hash of new Set(hashes)) {
    if (hash === 'none') continue;
    const stored = await client.get<{ name: string | null }>(`/api/v1/configs/${hash}`).catch(() => null);
    if (stored?.name == null) continue;
    const name = stored.name;
    if (!histories.has(name)) histories.set(name, client.get<{ versions: { version: number; hash: string }[] }>(`/api/v1/configs/${encodeURIComponent(name)}/versions`).catch(() => null));
    const version = (await histories.get(name))?.versions.find((v) => v.hash === hash)?.version;
    if (version !== undefined) labels.set(hash, `${name}@${version}`);
  }
  return labels;
}
