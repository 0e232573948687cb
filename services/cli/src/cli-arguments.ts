import { CliError } from './cli-error';

/** Flags that take no value. */
const SWITCHES = new Set(['watch', 'help', 'accept-keep-new', 'fast', 'connected', 'disconnected', 'unhealthy', 'all', 'yes', 'diff']);
const SHORT: Readonly<Record<string, string>> = { o: 'output', w: 'watch', h: 'help' };

export interface Arguments {
  /** Words that are not flags: the command, its subcommand and their arguments. */
  readonly words: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
  /** Every value of a flag given more than once (`--gate a --gate b`), in order; `flags` holds the last. */
  readonly repeated?: ReadonlyMap<string, readonly string[]>;
}

export interface GlobalOptions {
  /** Base URL of the admin API. */
  readonly server: string;
  readonly token: string | undefined;
  readonly output: 'text' | 'json';
  readonly watch: boolean;
  readonly help: boolean;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** `--name value`, `--name=value`, switches, `-o json`, `-w`; `--` ends the flags. */
export function parseArguments(argv: readonly string[], extraSwitches: readonly string[] = []): Arguments {
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  const repeated = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      words.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = arg.indexOf('=');
    const raw = long ? arg.slice(2, eq === -1 ? undefined : eq) : arg.slice(1, eq === -1 ? undefined : eq);
    const name = long ? raw : SHORT[raw];
    if (name === undefined || name === '') throw new CliError('cli.usage', `unknown option ${arg}`, 'run roost --help for the options');
    if (SWITCHES.has(name) || extraSwitches.includes(name)) {
      if (eq !== -1) throw new CliError('cli.usage', `--${name} takes no value`, `write --${name} alone`);
      flags.set(name, true);
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new CliError('cli.usage', `--${name} needs a value`, `e.g. --${name}=...`);
    flags.set(name, value);
    repeated.set(name, [...(repeated.get(name) ?? []), value]);
  }
  return { words, flags, repeated };
}

/** Every value given for a flag, in order (empty when not given). */
export function allValues(args: Arguments, name: string): readonly string[] {
  return args.repeated?.get(name) ?? (typeof args.flags.get(name) === 'string' ? [args.flags.get(name) as string] : []);
}

export function globalOptions(args: Arguments, env: Readonly<Record<string, string | undefined>>): GlobalOptions {
  const output = text(args, 'output') ?? 'text';
  if (output !== 'text' && output !== 'json') throw new CliError('cli.usage', `--output must be text or json, got "${output}"`);
  const server = (text(args, 'server') ?? nonEmpty(env['ROOST_URL']) ?? DEFAULT_SERVER).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(server)) throw new CliError('cli.usage', `--server must be an http:// or https:// URL, got "${server}"`, 'e.g. --server http://127.0.0.1:8080 or ROOST_URL=...');
  return { server, token: text(args, 'token') ?? nonEmpty(env['ROOST_TOKEN']), output, watch: args.flags.get('watch') === true, help: args.flags.get('help') === true };
}

/** A flag's text value; a switch given where a value belongs is a usage error. */
export function text(args: Arguments, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new CliError('cli.usage', `--${name} needs a value`);
  return value;
}

export function required(args: Arguments, name: string, example: string): string {
  const value = text(args, name);
  if (value === undefined || value === '') throw new CliError('cli.usage', `--${name} is required`, `e.g. ${example}`);
  return value;
}

/** Refuses flags the command does not know (typos should not be silently ignored). */
export function onlyFlags(args: Arguments, known: readonly string[], command: string): void {
  const globals = ['server', 'token', 'output', 'watch', 'help'];
  for (const name of args.flags.keys()) {
    if (!known.includes(name) && !globals.includes(name)) throw new CliError('cli.usage', `${command} has no option --${name}`, `run roost ${command} --help`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
