import type { ConfigIssue } from '@roost/contracts';

/** Every problem the collector-config checks report, as a stable code. */
export type ConfigIssueCode =
  | 'config.yaml_syntax'
  | 'config.empty'
  | 'config.not_a_map'
  | 'config.unknown_section'
  | 'config.section_not_a_map'
  | 'config.invalid_component_id'
  | 'config.no_pipelines'
  | 'config.pipeline_invalid'
  | 'config.pipeline_unknown_signal'
  | 'config.pipeline_no_receivers'
  | 'config.pipeline_no_exporters'
  | 'config.undefined_component'
  | 'config.duplicate_reference'
  | 'config.connector_unpaired'
  | 'config.undefined_extension'
  | 'config.unused_component'
  | 'config.large';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export function issue(code: ConfigIssueCode, message: string, path: string, at: Position | null): ConfigIssue {
  const where = at === null ? '' : ` (line ${at.line}, column ${at.column})`;
  return { code, message: `${message}${where}`, path, line: at?.line ?? null, column: at?.column ?? null };
}
