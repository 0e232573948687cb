import { onlyFlags, required, text } from '../cli-arguments';
import { CliError } from '../cli-error';
import { printJson, type CommandContext, type ExitCode } from '../cli-io';
import type { EnrolmentToken, EnrolmentTokenCreated, EnrolmentTokenPage } from '../api-types';
import { table } from '../render/table';
import { query, timestamp } from './config-commands';

const UNITS_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90m`, `12h`, `30d` as milliseconds. */
export function lifetimeMs(text: string): number {
  const match = /^(\d+)(m|h|d)$/.exec(text);
  if (!match) throw new CliError('cli.usage', `--expires-in "${text}" is not a lifetime such as 90m, 12h or 30d`, 'e.g. roost enrolment create --name edge --group edge --expires-in 30d');
  return Number(match[1]) * (UNITS_MS[match[2] as string] as number);
}

/** `roost enrolment create --name n (--group g | --agent <uid>) [--expires-in 30d]`: the token is printed once, on the last line. */
export async function enrolmentCreate(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, ['name', 'group', 'agent', 'expires-in'], 'enrolment create');
  const name = required(args, 'name', 'roost enrolment create --name edge-collectors --group edge');
  const group = text(args, 'group');
  const agentId = text(args, 'agent');
  if ((group === undefined) === (agentId === undefined)) {
    throw new CliError('cli.usage', 'enrolment create needs exactly one of --group <service.environment> or --agent <instance uid>', 'e.g. roost enrolment create --name edge-collectors --group edge');
  }
  const expiresIn = text(args, 'expires-in');
  const body = { name, ...(group !== undefined ? { group } : { agentId }), ...(expiresIn !== undefined ? { ttlMs: lifetimeMs(expiresIn) } : {}) };
  const created = await client.post<EnrolmentTokenCreated>('/api/v1/enrolment-tokens', body);
  if (options.output === 'json') return printJson(io, created);
  const { token } = created;
  io.out(`created enrolment token ${token.id} "${token.name}" for ${scopeText(token)}, expires ${timestamp(token.expiresAt)} UTC\n`);
  io.out('agents present it as Authorization: Bearer <token>; it is shown only now:\n');
  io.out(`${created.secret}\n`);
  return 0;
}

/** `roost enrolment list [--issued-from <id>]`: tokens with their state, never their secrets. */
export async function enrolmentList(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, ['issued-from', 'limit', 'offset'], 'enrolment list');
  const page = await client.get<EnrolmentTokenPage>(`/api/v1/enrolment-tokens${query({ issuedFrom: text(args, 'issued-from'), limit: text(args, 'limit'), offset: text(args, 'offset') })}`);
  if (options.output === 'json') return printJson(io, page);
  io.out(
    table(
      ['id', 'name', 'scope', 'state', 'expires', 'created by'],
      page.items.map((token) => [token.id, token.name, scopeText(token), token.state, timestamp(token.expiresAt), token.createdBy]),
      'no enrolment tokens: make one with roost enrolment create --name <name> --group <group>',
    ),
  );
  if (page.total > page.offset + page.items.length) io.out(`… ${page.total - page.offset - page.items.length} more (--offset ${page.offset + page.items.length})\n`);
  return 0;
}

/** `roost enrolment revoke <id>`: agents connected with it are disconnected and refused from then on. */
export async function enrolmentRevoke(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, [], 'enrolment revoke');
  const id = args.words[2];
  if (id === undefined) throw new CliError('cli.usage', 'enrolment revoke needs a token id', 'roost enrolment list shows them; e.g. roost enrolment revoke 3f2a9c0d1e4b5a67');
  const token = await client.post<EnrolmentToken>(`/api/v1/enrolment-tokens/${encodeURIComponent(id)}/revoke`, {});
  if (options.output === 'json') return printJson(io, token);
  io.out(`revoked enrolment token ${token.id} "${token.name}" (${scopeText(token)}) at ${timestamp(token.revokedAt ?? 0)} UTC by ${token.revokedBy ?? 'unknown'}\n`);
  return 0;
}

function scopeText(token: EnrolmentToken): string {
  return token.scope.kind === 'group' ? `group ${token.scope.group}` : `agent ${token.scope.agentId}`;
}
