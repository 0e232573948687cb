// Front door of the config-versions library: pure checks, content addresses, names and diffs
// of collector config versions. No I/O; the orchestrator stores what these functions return.
export { checkCollectorConfig } from './collector-config-check';
export type { CollectorConfigCheck } from './collector-config-check';
export type { ConfigIssueCode } from './config-issue';
export {
  appendVersion,
  collectorConfigHash,
  collectorFiles,
  collectorYamlOf,
  COLLECTOR_CONFIG_FILE,
  COLLECTOR_CONTENT_TYPE,
  configNameKey,
  parseConfigRef,
  resolveVersion,
  storedCollectorConfig,
} from './config-version';
export type { ConfigRef, HistoryAppend } from './config-version';
export { isHashPrefix, matchHashPrefix, MIN_HASH_PREFIX } from './hash-prefix';
export type { HashPrefixMatch } from './hash-prefix';
export { diffConfigVersions } from './config-diff';
export type { DiffSide } from './config-diff';
export { componentChanges, componentTypes } from './component-diff';
export type { ComponentChanges } from './component-diff';
export { diffLines, unifiedDiff } from './line-diff';
export type { DiffLine } from './line-diff';
