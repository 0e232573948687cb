import { onlyFlags, text } from '../cli-arguments';
import { CliError } from '../cli-error';
import { printJson, type CommandContext, type ExitCode } from '../cli-io';
import type { EffectiveConfig } from '../api-types';
import { shortHash } from '../render/table';
import { query } from './config-commands';

/**
 * `roost agents config <agent id> [--diff] [--against <ref>]`: the effective config the agent
 * last reported; with --diff (or --against), how it differs from the remote config it reported
 * (else the one Roost wants it to run, or <ref>).
 */
export async function agentsConfig(context: CommandContext): Promise<ExitCode> {
  const { args, client, io, options } = context;
  onlyFlags(args, ['diff', 'against'], 'agents config');
  const agentId = args.words[2];
  if (agentId === undefined) throw new CliError('cli.usage', 'agents config needs an agent id', 'list them with roost agents list');
  const against = text(args, 'against');
  const effective = await client.get<EffectiveConfig>(`/api/v1/agents/${encodeURIComponent(agentId)}/effective-config${query({ against })}`);
  if (options.output === 'json') return printJson(io, effective);
  io.out(args.flags.has('diff') || against !== undefined ? effectiveDiffText(effective) : effectiveConfigText(effective));
  return 0;
}

const line = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

/** The collector config as YAML; other files each under a comment naming them; why nothing was kept, when it was not. */
export function effectiveConfigText(effective: EffectiveConfig): string {
  if (effective.yaml !== null) return line(effective.yaml);
  if (effective.omitted !== null) return `# the effective config (${shortHash(effective.hash)}) was not kept: ${effective.omitted}\n`;
  return effective.files.map((file) => `# file "${file.name}" (${file.contentType})\n${line(file.body)}`).join('');
}

/** Which remote config the effective config is compared with, its changed components, then the line diff. */
export function effectiveDiffText(effective: EffectiveConfig): string {
  const reported = `effective config ${shortHash(effective.hash)} of ${effective.agentId}`;
  const { against, diff } = effective;
  if (against === null) return `${reported}: no remote config to compare with (the agent reported none and Roost wants none for it)\n`;
  const compared = `${against.ref ?? shortHash(against.hash)} (${against.source})`;
  if (!against.stored || diff === null) return `${reported}: compared with ${compared}, which Roost does not hold: no diff\n`;
  if (diff.unified === '') return `${reported} is the same as ${compared}\n`;
  const out = [`${compared} → ${reported}: +${diff.added} -${diff.removed} lines\n`];
  for (const [label, items] of [['added', diff.components.added], ['removed', diff.components.removed], ['changed', diff.components.changed]] as const) {
    if (items.length > 0) out.push(`  ${label}: ${items.join(', ')}\n`);
  }
  out.push(`\n${line(diff.unified)}`);
  return out.join('');
}
