import type { RolloutSummaryReply } from '@roost/contracts';
import type { RolloutStatusView } from '@roost/views';
import { onlyFlags, text, type Arguments } from '../cli-arguments';
import { CliError } from '../cli-error';
import { printJson, type CommandContext, type ExitCode } from '../cli-io';
import { durationMs, parsePlan } from '../plan-spec';
import { renderRollout, renderRolloutList, type RolloutResource } from '../render/rollout-view';
import { shortHash } from '../render/table';
import { watchRollout } from '../watch-rollout';
import { query } from './config-commands';

const START_FLAGS = [
  'group',
  'selector',
  'config',
  'file',
  'name',
  'plan',
  'threshold',
  'policy',
  'baseline',
  'accept-keep-new',
  'stratify-by',
  'id',
  'apply-timeout',
  'disconnect-grace',
  'health-grace',
  'disconnected-policy',
];

export const ROLLOUT_ACTIONS = ['pause', 'resume', 'promote', 'abort', 'rollback'] as const;
export type RolloutActionVerb = (typeof ROLLOUT_ACTIONS)[number];

/** `roost rollout start --group g --config ref [--plan …] [--watch]`. */
export async function rolloutStart(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, START_FLAGS, 'rollout start');
  const body = await startBody(args, io.readFile);
  const summary = await client.post<RolloutSummaryReply>('/api/v1/rollouts', body);
  if (options.watch) return watchRollout(context, summary.rolloutId);
  if (options.output === 'json') return printJson(io, summary);
  io.out(`started rollout ${summary.rolloutId}: ${summary.target}, config ${shortHash(summary.configHash)}, ${summary.members} agents, phase ${summary.phase?.name ?? '-'} (${summary.targeted} targeted)\n`);
  io.out(`follow it with: roost rollout status ${summary.rolloutId} --watch\n`);
  return 0;
}

/** `roost rollout list [--status s | --group g]`. */
export async function rolloutList(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, ['status', 'group', 'limit', 'offset'], 'rollout list');
  const page = await client.get<{ total: number; items: RolloutStatusView[] }>(
    `/api/v1/rollouts${query({ status: text(args, 'status'), group: text(args, 'group'), limit: text(args, 'limit'), offset: text(args, 'offset') })}`,
  );
  if (options.output === 'json') return printJson(io, page);
  io.out(renderRolloutList(page.items));
  return 0;
}

/** `roost rollout status <id> [--watch]`. */
export async function rolloutStatus(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, [], 'rollout status');
  const rolloutId = rolloutIdOf(args, 'status');
  if (options.watch) return watchRollout(context, rolloutId);
  const rollout = await client.get<RolloutResource>(`/api/v1/rollouts/${encodeURIComponent(rolloutId)}`);
  if (options.output === 'json') return printJson(io, rollout);
  io.out(renderRollout(rollout, io.now()));
  return 0;
}

/** `roost rollout pause|resume|promote|abort|rollback <id> [--reason text] [--watch]`. */
export async function rolloutAction(context: CommandContext, verb: RolloutActionVerb): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, ['reason'], `rollout ${verb}`);
  const rolloutId = rolloutIdOf(args, verb);
  const reason = text(args, 'reason');
  const summary = await client.post<RolloutSummaryReply>(`/api/v1/rollouts/${encodeURIComponent(rolloutId)}/${verb}`, reason === undefined ? {} : { reason });
  if (options.watch) return watchRollout(context, rolloutId);
  if (options.output === 'json') return printJson(io, summary);
  io.out(`rollout ${summary.rolloutId}: ${verb} accepted, now ${summary.status}${summary.phase ? ` (phase ${summary.phase.name})` : ''}\n`);
  return 0;
}

function rolloutIdOf(args: Arguments, verb: string): string {
  const rolloutId = args.words[2];
  if (rolloutId === undefined) throw new CliError('cli.usage', `rollout ${verb} needs a rollout id`, 'find it with roost rollout list');
  return rolloutId;
}

/** The admin API's start request from the flags. */
export async function startBody(args: Arguments, readFile: (path: string) => Promise<string>): Promise<Record<string, unknown>> {
  const group = text(args, 'group');
  const selector = text(args, 'selector');
  if ((group === undefined) === (selector === undefined)) throw new CliError('cli.usage', 'give exactly one of --group or --selector', 'e.g. --group production or --selector "cloud.region in (eu-west-1)"');
  const config = text(args, 'config');
  const file = text(args, 'file');
  if ((config === undefined) === (file === undefined)) throw new CliError('cli.usage', 'give exactly one of --config (a stored version) or --file (new YAML)', 'e.g. --config otel-base@2 or --file collector.yaml --name otel-base');
  if (text(args, 'name') !== undefined && file === undefined) throw new CliError('cli.usage', '--name names the YAML of --file', 'store a version first with roost config push, or use --file');
  const body: Record<string, unknown> = { target: group !== undefined ? { group } : { selector } };
  if (config !== undefined) body['configVersion'] = config;
  if (file !== undefined) {
    body['configYaml'] = await readFile(file).catch((error: Error) => {
      throw new CliError('cli.file', `cannot read ${file}: ${error.message}`);
    });
    if (text(args, 'name') !== undefined) body['configName'] = text(args, 'name');
  }
  const plan = text(args, 'plan');
  if (plan !== undefined) body['plan'] = parsePlan(plan);
  const threshold = text(args, 'threshold');
  if (threshold !== undefined) body['threshold'] = fraction(threshold);
  for (const [flag, field] of [['policy', 'policy'], ['baseline', 'baselineConfig'], ['stratify-by', 'stratifyBy'], ['id', 'rolloutId'], ['disconnected-policy', 'disconnectedPolicy']] as const) {
    const value = text(args, flag);
    if (value !== undefined) body[field] = value;
  }
  if (args.flags.get('accept-keep-new') === true) body['acceptKeepNewOnFailure'] = true;
  const timing: Record<string, number> = {};
  for (const [flag, field] of [['apply-timeout', 'applyTimeoutMs'], ['disconnect-grace', 'disconnectGraceMs'], ['health-grace', 'healthGraceMs']] as const) {
    const value = text(args, flag);
    if (value !== undefined) timing[field] = durationMs(value, `--${flag}`);
  }
  if (Object.keys(timing).length > 0) body['timing'] = timing;
  return body;
}

/** `10%` or `0.1` as 0.1. */
function fraction(value: string): number {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  const number = percent ? Number(percent[1]) / 100 : Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1) throw new CliError('cli.usage', `--threshold must be a percentage (10%) or a fraction (0.1), got "${value}"`);
  return number;
}
