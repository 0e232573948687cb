import { onlyFlags, required, text } from '../cli-arguments';
import { CliError } from '../cli-error';
import { printJson, type CommandContext, type ExitCode } from '../cli-io';
import type { ConfigCreated, ConfigDiff, ConfigIssue, ConfigPage, ConfigVersion } from '../api-types';
import { shortHash, table } from '../render/table';

type CreatedConfig = ConfigCreated;
type ConfigList = ConfigPage;

/** `roost config push <file|-> --name <name>`: validated by the server before any agent sees it. */
export async function configPush(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, ['name'], 'config push');
  const file = args.words[2];
  if (file === undefined) throw new CliError('cli.usage', 'config push needs a YAML file (or - for standard input)', 'e.g. roost config push collector.yaml --name otel-base');
  const name = required(args, 'name', 'roost config push collector.yaml --name otel-base');
  const yaml = await io.readFile(file).catch((error: Error) => {
    throw new CliError('cli.file', `cannot read ${file}: ${error.message}`);
  });
  let created: CreatedConfig;
  try {
    created = await client.post<CreatedConfig>('/api/v1/configs', { name, yaml });
  } catch (error) {
    throw withIssues(error, file);
  }
  if (options.output === 'json') return printJson(io, created);
  io.out(created.created ? `stored ${created.name} version ${created.version} (${shortHash(created.hash)})\n` : `${created.name} version ${created.version} already holds this content (${shortHash(created.hash)}); nothing stored\n`);
  for (const warning of created.warnings) io.out(`  warning: ${where(file, warning)}${warning.message}\n`);
  return 0;
}

/** `roost config list`: names with their latest version. */
export async function configList(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, ['limit', 'offset'], 'config list');
  const list = await client.get<ConfigList>(`/api/v1/configs${query({ limit: text(args, 'limit'), offset: text(args, 'offset') })}`);
  if (options.output === 'json') return printJson(io, list);
  io.out(
    table(
      ['name', 'versions', 'latest', 'hash', 'updated'],
      list.items.map((item) => [item.name, item.versions, `v${item.latestVersion}`, shortHash(item.latestHash), timestamp(item.updatedAt)]),
      'no configs yet: store one with roost config push <file> --name <name>',
    ),
  );
  return 0;
}

/** `roost config show <ref>`: one version's YAML. */
export async function configShow(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, [], 'config show');
  const ref = args.words[2];
  if (ref === undefined) throw new CliError('cli.usage', 'config show needs a config: a hash, a name or name@version', 'e.g. roost config show otel-base@2');
  const version = await client.get<ConfigVersion>(`/api/v1/configs/${encodeURIComponent(ref)}`);
  if (options.output === 'json') return printJson(io, version);
  io.out(version.yaml.endsWith('\n') ? version.yaml : `${version.yaml}\n`);
  return 0;
}

/** `roost config diff <from> <to>`: changed components, then the unified diff. */
export async function configDiff(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, [], 'config diff');
  const [from, to] = args.words.slice(2);
  if (from === undefined || to === undefined) throw new CliError('cli.usage', 'config diff needs two configs', 'e.g. roost config diff otel-base@1 otel-base@2');
  const diff = await client.get<ConfigDiff>(`/api/v1/configs/${encodeURIComponent(from)}/diff/${encodeURIComponent(to)}`);
  if (options.output === 'json') return printJson(io, diff);
  if (diff.unified === '') {
    io.out(`${from} and ${to} are the same config (${shortHash(diff.from)})\n`);
    return 0;
  }
  io.out(`${from} (${shortHash(diff.from)}) → ${to} (${shortHash(diff.to)}): +${diff.added} -${diff.removed} lines\n`);
  const { added, removed, changed } = diff.components;
  for (const [label, items] of [['added', added], ['removed', removed], ['changed', changed]] as const) {
    if (items.length > 0) io.out(`  ${label}: ${items.join(', ')}\n`);
  }
  io.out(`\n${diff.unified.endsWith('\n') ? diff.unified : `${diff.unified}\n`}`);
  return 0;
}

/** A refused config lists every issue as `file:line:column: message`. */
function withIssues(error: unknown, file: string): unknown {
  if (!(error instanceof CliError) || error.details['code'] !== 'config.invalid') return error;
  const issues = (error.details['errors'] as readonly ConfigIssue[] | undefined) ?? [];
  const lines = issues.map((issue) => `  ${where(file, issue)}${issue.message}`).join('\n');
  return new CliError(error.code, `${file}: the config was refused before any agent saw it${lines === '' ? `: ${error.message}` : `:\n${lines}`}`, 'fix the file and push it again', error.details);
}

function where(file: string, issue: ConfigIssue): string {
  return issue.line === null ? `${file}: ` : `${file}:${issue.line}:${issue.column ?? 1}: `;
}

export function query(params: Readonly<Record<string, string | undefined>>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
