import type { ConfigIssue } from '@roost/contracts';
import type { YAMLMap } from 'yaml';
import { issue } from './config-issue';
import { checkPipelines, type DefinedComponents, type ComponentSection } from './pipeline-check';
import { isEmptyValue, isMap, mapEntries, parseYaml, type YamlSource } from './yaml-source';

/** What a collector config check found: errors refuse the config, warnings do not. */
export interface CollectorConfigCheck {
  readonly errors: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];
}

/** Configs larger than this are accepted with a `config.large` warning. */
export const LARGE_CONFIG_BYTES = 256 * 1024;

const COMPONENT_SECTIONS: readonly ComponentSection[] = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'];
const SECTIONS = [...COMPONENT_SECTIONS, 'service'];
/** `type` or `type/name`, as the collector accepts them. */
const COMPONENT_ID = /^[A-Za-z][0-9A-Za-z_]*(\/.+)?$/;

/**
 * Checks OpenTelemetry Collector YAML the way the collector would refuse it at start, before
 * any agent sees it: YAML syntax, the top-level sections, component ids, and `service.pipelines`
 * (every referenced component defined, each pipeline with receivers and exporters, connectors
 * used on both sides). Components no pipeline uses are warnings. Every finding says where.
 */
export function checkCollectorConfig(text: string): CollectorConfigCheck {
  const parsed = parseYaml(text);
  if (!parsed.ok) return { errors: parsed.errors, warnings: [] };
  const { source } = parsed;
  const root = source.document.contents;
  if (isEmptyValue(root)) {
    return { errors: [issue('config.empty', 'the config is empty; a collector config needs receivers, exporters and service.pipelines', '', null)], warnings: [] };
  }
  if (!isMap(root)) {
    return { errors: [issue('config.not_a_map', 'the config must be a YAML map of sections (receivers, exporters, service, …)', '', source.position(root))], warnings: [] };
  }
  const errors: ConfigIssue[] = [];
  const defined = definedComponents(root, source, errors);
  const warnings: ConfigIssue[] = [];
  checkPipelines(root.get('service', true), defined, source, errors, warnings);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > LARGE_CONFIG_BYTES) {
    const kib = Math.round(size / 1024);
    warnings.push(issue('config.large', `the config is ${kib} KiB: every agent of a rollout receives all of it in one OpAMP message, and collectors or proxies limit message sizes (often 4 MiB); over ${LARGE_CONFIG_BYTES / 1024} KiB is unusual — look for repeated or generated sections`, '', null));
  }
  return { errors, warnings };
}

function definedComponents(root: YAMLMap, source: YamlSource, errors: ConfigIssue[]): DefinedComponents {
  const defined = new Map(COMPONENT_SECTIONS.map((section) => [section, new Map<string, unknown>()]));
  for (const { key, keyNode, value } of mapEntries(root)) {
    if (!SECTIONS.includes(key)) {
      errors.push(issue('config.unknown_section', `unknown top-level section "${key}"; a collector config has ${SECTIONS.join(', ')}`, key, source.position(keyNode)));
      continue;
    }
    const components = defined.get(key as ComponentSection);
    if (components === undefined || isEmptyValue(value)) continue;
    if (!isMap(value)) {
      errors.push(issue('config.section_not_a_map', `section ${key} must be a map of component ids to their settings`, key, source.position(value)));
      continue;
    }
    for (const component of mapEntries(value)) {
      if (!COMPONENT_ID.test(component.key)) {
        errors.push(issue('config.invalid_component_id', `"${component.key}" under ${key} is not a component id; write type or type/name (e.g. otlp or otlp/internal)`, `${key}.${component.key}`, source.position(component.keyNode)));
        continue;
      }
      components.set(component.key, component.keyNode);
    }
  }
  return defined as DefinedComponents;
}
