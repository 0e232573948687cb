import type { ConfigNameHistory, StoredConfig } from '@roost/contracts';
import { configHashHex } from '@roost/opamp';

/** A collector config is one file of the OpAMP AgentConfigMap, under the empty name. */
export const COLLECTOR_CONFIG_FILE = '';
export const COLLECTOR_CONTENT_TYPE = 'text/yaml';

/** The named files of a collector config version. */
export function collectorFiles(yaml: string): StoredConfig['files'] {
  return { [COLLECTOR_CONFIG_FILE]: { body: yaml, contentType: COLLECTOR_CONTENT_TYPE } };
}

/** The content address of a collector config: the canonical config hash of its files. */
export function collectorConfigHash(yaml: string): string {
  return configHashHex(collectorFiles(yaml));
}

/** The immutable `configs` entry of a version (key: its hash). */
export function storedCollectorConfig(yaml: string, name: string | null, createdAt: number): StoredConfig {
  return { hash: collectorConfigHash(yaml), files: collectorFiles(yaml), ...(name === null ? {} : { name }), createdAt };
}

/** The YAML of a stored collector config version, or null when it holds no collector file. */
export function collectorYamlOf(stored: StoredConfig): string | null {
  return stored.files[COLLECTOR_CONFIG_FILE]?.body ?? null;
}

/** The `configs` key of a name's version history (config hashes are the other keys). */
export function configNameKey(name: string): string {
  return `name.${name}`;
}

export interface HistoryAppend {
  readonly history: ConfigNameHistory;
  readonly version: number;
  /** False when the hash already is the latest version: nothing to write. */
  readonly created: boolean;
}

/**
 * A name's history after saving `hash` under it. Saving the latest version again changes
 * nothing (a retried create is idempotent); going back to an older content adds a new version.
 */
export function appendVersion(history: ConfigNameHistory | null, name: string, hash: string, createdAt: number, actor: string | null): HistoryAppend {
  const versions = history?.versions ?? [];
  const latest = versions[versions.length - 1];
  if (latest !== undefined && latest.hash === hash) return { history: history ?? { name, versions }, version: latest.version, created: false };
  const version = (latest?.version ?? 0) + 1;
  return { history: { name, versions: [...versions, { version, hash, createdAt, actor }] }, version, created: true };
}

/** How a command names a config version. */
export type ConfigRef =
  | { readonly kind: 'hash'; readonly hash: string }
  | { readonly kind: 'name'; readonly name: string; readonly version: number | null };

const HASH = /^[0-9a-f]{64}$/;
const NAME = /^[-_A-Za-z0-9]{1,128}$/;

/** Parses `<hash>`, `<name>` (latest version) or `<name>@<version>`; null when it is none of them. */
export function parseConfigRef(ref: string): ConfigRef | null {
  if (HASH.test(ref)) return { kind: 'hash', hash: ref };
  const [name, version, extra] = ref.split('@');
  if (name === undefined || !NAME.test(name) || extra !== undefined) return null;
  if (version === undefined) return { kind: 'name', name, version: null };
  return /^[1-9][0-9]*$/.test(version) ? { kind: 'name', name, version: Number(version) } : null;
}

/** The hash a name reference points to in its history, or null when there is no such version. */
export function resolveVersion(history: ConfigNameHistory, version: number | null): string | null {
  const entry = version === null ? history.versions[history.versions.length - 1] : history.versions.find((v) => v.version === version);
  return entry?.hash ?? null;
}
