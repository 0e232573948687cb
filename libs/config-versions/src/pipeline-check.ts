import type { ConfigIssue } from '@roost/contracts';
import { issue } from './config-issue';
import { isEmptyValue, isMap, isScalar, isSeq, mapEntries, type YamlSource } from './yaml-source';

export type ComponentSection = 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions';
/** Component ids defined per section, each with the YAML node of its key (for positions). */
export type DefinedComponents = ReadonlyMap<ComponentSection, ReadonlyMap<string, unknown>>;

type Role = 'receivers' | 'processors' | 'exporters';
const ROLES: readonly Role[] = ['receivers', 'processors', 'exporters'];
const SIGNALS = ['traces', 'metrics', 'logs', 'profiles'];
/** Where a component named in a pipeline role may be defined: connectors join two pipelines. */
const DEFINED_IN: Record<Role, readonly ComponentSection[]> = {
  receivers: ['receivers', 'connectors'],
  processors: ['processors'],
  exporters: ['exporters', 'connectors'],
};
const SINGULAR: Record<Role, string> = { receivers: 'receiver', processors: 'processor', exporters: 'exporter' };

interface Usage {
  readonly used: Map<ComponentSection, Set<string>>;
  readonly connectorAs: { readonly receiver: Set<string>; readonly exporter: Set<string> };
}

/**
 * Checks `service`: extensions it enables are defined; `pipelines` exist; each pipeline has a
 * known signal, receivers and exporters, and references only defined components, once each.
 * Then connectors must be used on both sides, and unused components are warned about.
 */
export function checkPipelines(service: unknown, defined: DefinedComponents, source: YamlSource, errors: ConfigIssue[], warnings: ConfigIssue[]): void {
  const usage: Usage = { used: new Map(), connectorAs: { receiver: new Set(), exporter: new Set() } };
  const pipelines = isMap(service) ? service.get('pipelines', true) : null;
  if (!isMap(pipelines) || pipelines.items.length === 0) {
    const at = isMap(service) ? source.position(pipelines ?? service) : null;
    errors.push(issue('config.no_pipelines', 'the config has no service.pipelines, so the collector would run nothing; add at least one pipeline with receivers and exporters', 'service.pipelines', at));
    return;
  }
  if (isMap(service)) checkExtensions(service.get('extensions', true), defined, source, errors, usage);
  for (const pipeline of mapEntries(pipelines)) checkPipeline(pipeline, defined, source, errors, usage);
  checkConnectors(defined, source, errors, usage);
  warnUnused(defined, source, warnings, usage);
}

function checkExtensions(extensions: unknown, defined: DefinedComponents, source: YamlSource, errors: ConfigIssue[], usage: Usage): void {
  if (isEmptyValue(extensions)) return;
  const names = referenceList(extensions, 'service.extensions', source, errors);
  for (const { name, node, path } of names) {
    if (defined.get('extensions')?.has(name)) markUsed(usage, 'extensions', name);
    else errors.push(issue('config.undefined_extension', `service.extensions enables "${name}", which is not defined under extensions`, path, source.position(node)));
  }
}

function checkPipeline(pipeline: { key: string; keyNode: unknown; value: unknown }, defined: DefinedComponents, source: YamlSource, errors: ConfigIssue[], usage: Usage): void {
  const path = `service.pipelines.${pipeline.key}`;
  const signal = pipeline.key.split('/')[0] ?? '';
  if (!SIGNALS.includes(signal)) {
    errors.push(issue('config.pipeline_unknown_signal', `pipeline "${pipeline.key}" must be named after its signal (${SIGNALS.join(', ')}), optionally followed by /name`, path, source.position(pipeline.keyNode)));
  }
  if (!isMap(pipeline.value)) {
    errors.push(issue('config.pipeline_invalid', `pipeline "${pipeline.key}" must be a map with receivers, processors and exporters lists`, path, source.position(pipeline.value ?? pipeline.keyNode)));
    return;
  }
  for (const entry of mapEntries(pipeline.value)) {
    if (!(ROLES as readonly string[]).includes(entry.key)) {
      errors.push(issue('config.pipeline_invalid', `pipeline "${pipeline.key}" has unknown key "${entry.key}"; a pipeline has receivers, processors and exporters`, `${path}.${entry.key}`, source.position(entry.keyNode)));
    }
  }
  for (const role of ROLES) {
    const node = pipeline.value.get(role, true);
    const references = isEmptyValue(node) ? [] : referenceList(node, `${path}.${role}`, source, errors);
    if (references.length === 0 && role !== 'processors') {
      const code = role === 'receivers' ? 'config.pipeline_no_receivers' : 'config.pipeline_no_exporters';
      errors.push(issue(code, `pipeline "${pipeline.key}" has no ${role}; every pipeline needs at least one`, `${path}.${role}`, source.position(node ?? pipeline.keyNode)));
    }
    checkReferences(pipeline.key, role, references, defined, source, errors, usage);
  }
}

function checkReferences(
  pipeline: string,
  role: Role,
  references: readonly { name: string; node: unknown; path: string }[],
  defined: DefinedComponents,
  source: YamlSource,
  errors: ConfigIssue[],
  usage: Usage,
): void {
  const seen = new Set<string>();
  for (const { name, node, path } of references) {
    if (seen.has(name)) {
      errors.push(issue('config.duplicate_reference', `pipeline "${pipeline}" lists ${SINGULAR[role]} "${name}" more than once`, path, source.position(node)));
      continue;
    }
    seen.add(name);
    const section = DEFINED_IN[role].find((candidate) => defined.get(candidate)?.has(name));
    if (section === undefined) {
      const where = DEFINED_IN[role].join(' or ');
      errors.push(issue('config.undefined_component', `pipeline "${pipeline}" references ${SINGULAR[role]} "${name}", which is not defined under ${where}; define it or remove it from the pipeline`, path, source.position(node)));
      continue;
    }
    markUsed(usage, section, name);
    if (section === 'connectors') (role === 'receivers' ? usage.connectorAs.receiver : usage.connectorAs.exporter).add(name);
  }
}

/** A YAML sequence of component ids; anything else is reported and yields nothing. */
function referenceList(node: unknown, path: string, source: YamlSource, errors: ConfigIssue[]): { name: string; node: unknown; path: string }[] {
  if (!isSeq(node)) {
    errors.push(issue('config.pipeline_invalid', `${path} must be a list of component ids, e.g. [otlp]`, path, source.position(node)));
    return [];
  }
  const names: { name: string; node: unknown; path: string }[] = [];
  node.items.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    if (isScalar(item) && typeof item.value === 'string' && item.value !== '') names.push({ name: item.value, node: item, path: itemPath });
    else errors.push(issue('config.pipeline_invalid', `${itemPath} must be a component id (a string)`, itemPath, source.position(item)));
  });
  return names;
}

function checkConnectors(defined: DefinedComponents, source: YamlSource, errors: ConfigIssue[], usage: Usage): void {
  const { receiver, exporter } = usage.connectorAs;
  for (const [name, keyNode] of defined.get('connectors') ?? []) {
    if (receiver.has(name) === exporter.has(name)) continue;
    const [used, missing] = exporter.has(name) ? ['an exporter', 'a receiver'] : ['a receiver', 'an exporter'];
    errors.push(issue('config.connector_unpaired', `connector "${name}" is used as ${used} but not as ${missing} in any pipeline; a connector joins two pipelines`, `connectors.${name}`, source.position(keyNode)));
  }
}

function warnUnused(defined: DefinedComponents, source: YamlSource, warnings: ConfigIssue[], usage: Usage): void {
  for (const [section, components] of defined) {
    for (const [name, keyNode] of components) {
      if (usage.used.get(section)?.has(name)) continue;
      const how = section === 'extensions' ? 'not enabled in service.extensions' : 'not used by any pipeline';
      warnings.push(issue('config.unused_component', `${section} "${name}" is defined but ${how}; the collector ignores it`, `${section}.${name}`, source.position(keyNode)));
    }
  }
}

function markUsed(usage: Usage, section: ComponentSection, name: string): void {
  let names = usage.used.get(section);
  if (names === undefined) usage.used.set(section, (names = new Set()));
  names.add(name);
}
