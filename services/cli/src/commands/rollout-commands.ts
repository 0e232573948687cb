import type { RolloutForecast, RolloutPage, RolloutSummary } from '../api-types';
import { allValues, onlyFlags, text, type Arguments } from '../cli-arguments';
import { CliError } from '../cli-error';
import { printJson, type CommandContext, type ExitCode } from '../cli-io';
import { durationMs, parsePlan } from '../plan-spec';
import { renderForecast } from '../render/forecast-view';
import { renderRollout, renderRolloutList, type RolloutResource } from '../render/rollout-view';
import { shortHash } from '../render/table';
import { watchRollout } from '../watch-rollout';
import { query } from './config-commands';

export const START_FLAGS = [
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
  'min-canary',
  'missing-components',
  'gate',
  'gate-min-samples',
  'gate-min-agents',
];

export const ROLLOUT_ACTIONS = ['pause', 'resume', 'promote', 'abort', 'rollback'] as const;
export type RolloutActionVerb = (typeof ROLLOUT_ACTIONS)[number];

/** `roost rollout start --group g --config ref [--plan …] [--watch]`. */
export async function rolloutStart(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, START_FLAGS, 'rollout start');
  const body = await startBody(args, io.readFile);
  const summary = await client.post<RolloutSummary>('/api/v1/rollouts', body).catch((error: unknown) => {
    throw withStartHint(error);
  });
  if (options.watch) return watchRollout(context, summary.rolloutId);
  if (options.output === 'json') return printJson(io, summary);
  io.out(`started rollout ${summary.rolloutId}: ${summary.target}, config ${shortHash(summary.configHash)}, ${summary.members} agents, phase ${summary.phase?.name ?? '-'} (${summary.targeted} targeted)\n`);
  const leftOut = Object.entries(summary.skippedBy ?? {}).map(([reason, agents]) => `${agents} ${reason.replaceAll('_', ' ')}`);
  if (leftOut.length > 0) io.out(`left out: ${leftOut.join(', ')} (roost rollout status ${summary.rolloutId} -o json names them)\n`);
  for (const warning of summary.warnings ?? []) io.err(`roost: warning: ${warning.message}\n`);
  io.out(`follow it with: roost rollout status ${summary.rolloutId} --watch\n`);
  return 0;
}

/** `roost rollout plan …` (the flags of start): a dry run against the live fleet; nothing is started. */
export async function rolloutPlan(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, START_FLAGS, 'rollout plan');
  const forecast = await client.post<RolloutForecast>('/api/v1/rollouts:plan', await startBody(args, io.readFile)).catch((error: unknown) => {
    throw withStartHint(error);
  });
  if (options.output === 'json') return printJson(io, forecast);
  io.out(renderForecast(forecast));
  return 0;
}

/** `roost rollout list [--status s | --group g]`. */
export async function rolloutList(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, ['status', 'group', 'limit', 'offset'], 'rollout list');
  const page = await client.get<RolloutPage>(
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
  const summary = await client.post<RolloutSummary>(`/api/v1/rollouts/${encodeURIComponent(rolloutId)}/${verb}`, reason === undefined ? {} : { reason });
  if (options.watch) return watchRollout(context, rolloutId);
  if (options.output === 'json') return printJson(io, summary);
  io.out(`rollout ${summary.rolloutId}: ${verb} accepted, now ${summary.status}${summary.phase ? ` (phase ${summary.phase.name})` : ''}\n`);
  return 0;
}

/**
 * `roost rollout undo <id> [--fast] [--id <new id>] [--watch]`: a new rollout that returns each
 * agent the ended rollout touched to the config it ran before it.
 */
export async function rolloutUndo(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, ['fast', 'id'], 'rollout undo');
  const rolloutId = rolloutIdOf(args, 'undo');
  const body: Record<string, unknown> = {};
  if (args.flags.get('fast') === true) body['fast'] = true;
  const id = text(args, 'id');
  if (id !== undefined) body['undoRolloutId'] = id;
  const summary = await client.post<RolloutSummary>(`/api/v1/rollouts/${encodeURIComponent(rolloutId)}/undo`, body);
  if (options.watch) return watchRollout(context, summary.rolloutId);
  if (options.output === 'json') return printJson(io, summary);
  io.out(`started rollout ${summary.rolloutId}, the undo of ${rolloutId}: ${summary.members} agents go back to the config each ran before, phase ${summary.phase?.name ?? '-'} (${summary.targeted} targeted)\n`);
  const skipped = Object.entries(summary.skippedBy ?? {}).map(([reason, agents]) => `${agents} ${UNDO_SKIPS[reason] ?? reason}`);
  if (skipped.length > 0) io.out(`left alone: ${skipped.join(', ')}\n`);
  io.out(`follow it with: roost rollout status ${summary.rolloutId} --watch\n`);
  return 0;
}

const UNDO_SKIPS: Readonly<Record<string, string>> = {
  superseded: 'superseded (their config changed since)',
  already_on_config: 'already back on their previous config',
  no_previous_config: 'ran no remote config before (nothing to go back to)',
  disconnected: 'disconnected',
};

/** A refusal for agents with nothing to return to names the flags that fix it. */
export function withStartHint(error: unknown): unknown {
  if (!(error instanceof CliError) || error.details['code'] !== 'target.no_eligible_agents') return error;
  const skipped = (error.details['skipped'] ?? {}) as Readonly<Record<string, number>>;
  if ((skipped['no_previous_config'] ?? 0) === 0) return error;
  return new CliError(error.code, error.message, 'add --baseline <config> (what they fall back to on failure) or --accept-keep-new (they keep the new config if it fails)', error.details);
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
  for (const [flag, field] of [
    ['policy', 'policy'],
    ['baseline', 'baselineConfigHash'],
    ['stratify-by', 'stratifyBy'],
    ['id', 'rolloutId'],
    ['disconnected-policy', 'disconnectedPolicy'],
    ['missing-components', 'missingComponentsPolicy'],
  ] as const) {
    const value = text(args, flag);
    if (value !== undefined) body[field] = value;
  }
  if (args.flags.get('accept-keep-new') === true) body['acceptKeepNewOnFailure'] = true;
  const minCanary = text(args, 'min-canary');
  if (minCanary !== undefined) body['minCanaryAgents'] = wholeNumber(minCanary, '--min-canary');
  const dataPlane = dataPlaneOf(args);
  if (dataPlane !== undefined) body['dataPlane'] = dataPlane;
  const timing: Record<string, number> = {};
  for (const [flag, field] of [['apply-timeout', 'applyTimeoutMs'], ['disconnect-grace', 'disconnectGraceMs'], ['health-grace', 'healthGraceMs']] as const) {
    const value = text(args, flag);
    if (value !== undefined) timing[field] = durationMs(value, `--${flag}`);
  }
  if (Object.keys(timing).length > 0) body['timing'] = timing;
  return body;
}

/**
 * `--gate 'exporter.failed_ratio <= control+0.01'` (repeatable; `;` also separates gates), with
 * `--gate-min-samples N` and `--gate-min-agents N`. The server parses the expressions and names
 * what it cannot read.
 */
function dataPlaneOf(args: Arguments): Record<string, unknown> | undefined {
  const gates = allValues(args, 'gate')
    .flatMap((value) => value.split(';'))
    .map((gate) => gate.trim())
    .filter((gate) => gate !== '');
  const minSamples = text(args, 'gate-min-samples');
  const minAgents = text(args, 'gate-min-agents');
  if (gates.length === 0) {
    if (minSamples !== undefined || minAgents !== undefined) throw new CliError('cli.usage', '--gate-min-samples and --gate-min-agents go with --gate', "e.g. --gate 'exporter.failed_ratio <= control+0.01' --gate-min-samples 5");
    return undefined;
  }
  return {
    gates,
    ...(minSamples === undefined ? {} : { minSamplesPerAgent: wholeNumber(minSamples, '--gate-min-samples', 'samples') }),
    ...(minAgents === undefined ? {} : { minAgentsPerCohort: wholeNumber(minAgents, '--gate-min-agents') }),
  };
}

function wholeNumber(value: string, flag: string, what = 'agents'): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1) throw new CliError('cli.usage', `${flag} must be a whole number of ${what} (1 or more), got "${value}"`);
  return number;
}

/** `10%` or `0.1` as 0.1. */
function fraction(value: string): number {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  const number = percent ? Number(percent[1]) / 100 : Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1) throw new CliError('cli.usage', `--threshold must be a percentage (10%) or a fraction (0.1), got "${value}"`);
  return number;
}
