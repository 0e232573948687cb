import { effectiveConfigEntryContract, type ConfigDiffResult, type ConfigGetResult } from '@roost/contracts';
import { COLLECTOR_CONFIG_FILE, diffConfigVersions } from '@roost/config-versions';
import type { AgentDetailView } from '@roost/views';
import { AdminError } from '../errors/admin-error';
import type { OperationDeps } from '../operations/operation-deps';
import { configRefs } from './config-refs';

/** What the effective config is compared with: the config the agent reported, else the one Roost wants it to run, else the one asked for. */
export type ComparedWith = 'reported' | 'desired' | 'requested';

export interface EffectiveConfigAnswer {
  readonly agentId: string;
  readonly hash: string;
  readonly reportedAt: number;
  readonly gatewayId: string;
  /** The collector config: the file named '' (or the only file); null when the files were left out. */
  readonly yaml: string | null;
  readonly files: readonly { readonly name: string; readonly contentType: string; readonly body: string }[];
  readonly omitted: string | null;
  /** The remote config it is compared with; null when there is none to compare with. */
  readonly against: { readonly hash: string; readonly ref: string | null; readonly source: ComparedWith; readonly stored: boolean } | null;
  /** Effective config against that remote config (`from` the remote config, `to` the effective one); null without one or when it is not stored. */
  readonly diff: ConfigDiffResult | null;
}

/**
 * The effective config an agent last reported, from `effective-configs`, with a diff against
 * `againstRef` or, without one, against the remote config it reported (else its desired config).
 */
export async function readEffectiveConfig(deps: OperationDeps, agent: AgentDetailView, againstRef: string | undefined): Promise<EffectiveConfigAnswer> {
  const entry = await (await deps.effectiveConfigs()).get(agent.agentId);
  if (entry === null) {
    throw new AdminError('agent.no_effective_config', `agent ${agent.agentId} has reported no effective config to this Roost (it may not advertise ReportsEffectiveConfig)`, { agentId: agent.agentId });
  }
  const effective = effectiveConfigEntryContract.decode(entry.value);
  const names = Object.keys(effective.files).sort();
  const yamlName = names.includes(COLLECTOR_CONFIG_FILE) ? COLLECTOR_CONFIG_FILE : names.length === 1 ? names[0] : undefined;
  const yaml = yamlName === undefined ? null : (effective.files[yamlName]?.body ?? null);
  const base = {
    agentId: agent.agentId,
    hash: effective.hash,
    reportedAt: effective.reportedAt,
    gatewayId: effective.gatewayId,
    yaml,
    files: names.map((name) => ({ name, contentType: effective.files[name]?.contentType ?? '', body: effective.files[name]?.body ?? '' })),
    omitted: effective.omitted,
  };
  const target = comparedWith(agent, againstRef);
  if (target === null) return { ...base, against: null, diff: null };
  const remote = await remoteConfig(deps, target.ref, target.source === 'requested');
  if (remote === null) return { ...base, against: { hash: target.ref, ref: null, source: target.source, stored: false }, diff: null };
  const ref = (await configRefs(await deps.configs(), [remote.hash]))[remote.hash] ?? null;
  const label = ref ?? remote.hash.slice(0, 12);
  const diff = yaml === null ? null : diffConfigVersions({ hash: remote.hash, yaml: remote.yaml, label }, { hash: effective.hash, yaml, label: 'effective' });
  return { ...base, against: { hash: remote.hash, ref, source: target.source, stored: true }, diff };
}

function comparedWith(agent: AgentDetailView, againstRef: string | undefined): { ref: string; source: ComparedWith } | null {
  if (againstRef !== undefined) return { ref: againstRef, source: 'requested' };
  const reported = agent.remoteConfigStatus?.hash ?? '';
  if (reported !== '') return { ref: reported, source: 'reported' };
  const desired = agent.desired?.configHash ?? null;
  return desired === null ? null : { ref: desired, source: 'desired' };
}

/** A config version; a hash Roost never stored is null unless it was asked for by name (then the refusal stands). */
async function remoteConfig(deps: OperationDeps, ref: string, requested: boolean): Promise<ConfigGetResult | null> {
  try {
    return await deps.orchestrator.getConfig(ref);
  } catch (error) {
    if (!requested && error instanceof AdminError && error.code === 'config.not_found') return null;
    throw error;
  }
}
