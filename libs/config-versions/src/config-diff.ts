import type { ConfigDiffResult } from '@roost/contracts';
import { componentChanges } from './component-diff';
import { diffLines, unifiedDiff } from './line-diff';

export interface DiffSide {
  readonly hash: string;
  readonly yaml: string;
  /** Shown in the unified header, e.g. `edge@3` or the short hash. */
  readonly label: string;
}

/** The difference between two config versions: line counts, unified text and component changes. */
export function diffConfigVersions(from: DiffSide, to: DiffSide): ConfigDiffResult {
  const lines = diffLines(from.yaml, to.yaml);
  return {
    from: from.hash,
    to: to.hash,
    added: lines.filter((line) => line.op === 'add').length,
    removed: lines.filter((line) => line.op === 'remove').length,
    unified: unifiedDiff(lines, from.label, to.label),
    components: componentChanges(from.yaml, to.yaml),
  };
}
