import { AdminClient } from './admin-client';
import { globalOptions, parseArguments, DEFAULT_SERVER } from './cli-arguments';
import { CliError } from './cli-error';
import type { CliIo, CommandContext, ExitCode } from './cli-io';
import { configDiff, configList, configPush, configShow } from './commands/config-commands';
import { agentsConfig } from './commands/agent-config-command';
import { agentsList, groups } from './commands/fleet-commands';
import { enrolmentCreate, enrolmentList, enrolmentRevoke } from './commands/enrolment-commands';
import { ROLLOUT_ACTIONS, rolloutAction, rolloutList, rolloutPlan, rolloutStart, rolloutStatus, rolloutUndo, type RolloutActionVerb } from './commands/rollout-commands';

type Command = (context: CommandContext) => Promise<ExitCode>;

const COMMANDS: Readonly<Record<string, Command>> = {
  'config push': configPush,
  'config list': configList,
  'config show': configShow,
  'config diff': configDiff,
  'agents list': agentsList,
  'agents config': agentsConfig,
  groups,
  'rollout start': rolloutStart,
  'rollout plan': rolloutPlan,
  'rollout list': rolloutList,
  'rollout status': rolloutStatus,
  'rollout undo': rolloutUndo,
  'enrolment create': enrolmentCreate,
  'enrolment list': enrolmentList,
  'enrolment revoke': enrolmentRevoke,
  ...Object.fromEntries(ROLLOUT_ACTIONS.map((verb) => [`rollout ${verb}`, (context: CommandContext) => rolloutAction(context, verb as RolloutActionVerb)])),
};

export const HELP = `roost: drive Roost's admin API from a terminal or a script.

Usage: roost <command> [arguments] [options]

Configs
  config push <file|-> --name <name>       store collector YAML as the next version of <name> (validated first)
  config list                              names with their latest version
  config show <ref>                        the YAML of a version (<hash>, <name> for its latest, <name>@<version>)
  config diff <from> <to>                  changed components and the line diff of two versions

Fleet
  agents list [--group g] [--selector s] [--connected|--disconnected] [--health healthy|unhealthy|unknown]
              [--limit n] [--offset n]
  agents config <agent id> [--diff] [--against <ref>]
                                           the effective config an agent reports; --diff: how it differs from the remote
                                           config it reported (else the one Roost wants it to run, or --against <ref>)
  groups                                   agents per group (service.environment), connected and healthy

Rollouts
  rollout start (--group g | --selector s) (--config <ref> | --file <yaml> [--name n])
                [--plan canary:2%:5m,10%:5m,50%:3m:approve,100%] [--threshold 10%] [--policy rollback|pause]
                [--baseline <ref>] [--accept-keep-new] [--stratify-by cloud.region] [--id <rollout id>]
                [--apply-timeout 2m] [--disconnect-grace 1m] [--health-grace 30s] [--disconnected-policy fail|exclude]
                [--min-canary 5] [--missing-components exclude|refuse|include]
                [--gate 'exporter.failed_ratio <= control+0.01' ...] [--gate-min-samples 3] [--gate-min-agents 1]
                                           data-plane gates: canary against control on the collectors' own metrics
  rollout plan …                           the flags of start: who each phase would reach, who is skipped and why (a dry run)
  rollout list [--status s | --group g]
  rollout status <id>
  rollout pause|resume|promote|abort|rollback <id> [--reason text]
  rollout undo <id> [--fast] [--id <new id>]
                                           a new rollout returning each agent an ended rollout touched to the
                                           config it ran before (same phases and gates; --fast: all at once)

Agent enrolment
  enrolment create --name n (--group g | --agent <instance uid>) [--expires-in 30d]
                                           a token agents present to the gateways (Authorization: Bearer <token>) instead
                                           of the shared one; printed once, on the last line (Roost keeps only its hash)
  enrolment list [--issued-from <id>]      tokens with their scope and state (--issued-from: those gateways issued from it)
  enrolment revoke <id>                    agents connected with it are disconnected, and refused from then on

Options
  --server <url>       admin API (default ${DEFAULT_SERVER}; env ROOST_URL)
  --token <token>      bearer token (env ROOST_TOKEN)
  -o, --output json    the API's JSON instead of text (with --watch: one JSON line per change)
  -w, --watch          rollout start, status, actions and undo: follow the rollout live until it ends;
                       exit code 0 when it completed, 1 when it was rolled back, aborted or failed
  -h, --help           this text

Exit codes: 0 done, 1 refused or not completed, 2 bad command line, 3 server unreachable or token refused.
`;

/** Runs one command line; never throws: errors are printed (as JSON with --output json) and become the exit code. */
export async function runCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<ExitCode> {
  let json = argv.includes('json') && (argv.includes('-o') || argv.includes('--output'));
  try {
    const args = parseArguments(argv);
    const options = globalOptions(args, env);
    json = options.output === 'json';
    const key = args.words[0] === 'groups' ? 'groups' : args.words.slice(0, 2).join(' ');
    if (options.help || args.words.length === 0 || args.words[0] === 'help') {
      io.out(HELP);
      return 0;
    }
    const command = COMMANDS[key];
    if (command === undefined) throw new CliError('cli.usage', `unknown command "${args.words.slice(0, 2).join(' ')}"`, 'run roost --help for the commands');
    return await command({ args, options, client: new AdminClient({ server: options.server, token: options.token }), io });
  } catch (error) {
    return report(error, io, json);
  }
}

/** The command-line flag behind a request field the API names in a refusal. */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  'target.group': '--group',
  'target.selector': '--selector',
  target: '--group or --selector',
  configVersion: '--config',
  configYaml: '--file',
  configName: '--name',
  yaml: 'the YAML file',
  name: '--name',
  plan: '--plan',
  threshold: '--threshold',
  policy: '--policy',
  baselineConfigHash: '--baseline',
  stratifyBy: '--stratify-by',
  rolloutId: '--id',
  timing: '--apply-timeout, --disconnect-grace or --health-grace',
  'timing.applyTimeoutMs': '--apply-timeout',
  'timing.disconnectGraceMs': '--disconnect-grace',
  'timing.healthGraceMs': '--health-grace',
  disconnectedPolicy: '--disconnected-policy',
  minCanaryAgents: '--min-canary',
  dataPlane: '--gate',
  'dataPlane.gates': '--gate',
  'dataPlane.minSamplesPerAgent': '--gate-min-samples',
  'dataPlane.minAgentsPerCohort': '--gate-min-agents',
  group: '--group',
  agentId: '--agent',
  ttlMs: '--expires-in',
  id: 'the token id',
  issuedFrom: '--issued-from',
};

function report(error: unknown, io: CliIo, json: boolean): ExitCode {
  const failure = error instanceof CliError ? error : new CliError('cli.server_error', error instanceof Error ? error.message : String(error));
  if (json) {
    io.err(`${JSON.stringify({ error: { code: failure.details['code'] ?? failure.code, message: failure.message, hint: failure.hint, details: failure.details } })}\n`);
  } else {
    const field = typeof failure.details['field'] === 'string' ? ` (${FLAG_OF_FIELD[failure.details['field']] ?? `field ${failure.details['field']}`})` : '';
    io.err(`roost: ${failure.message}${field}\n${failure.hint ? `  → ${failure.hint}\n` : ''}`);
  }
  return failure.exitCode;
}
