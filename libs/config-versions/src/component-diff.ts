import { parseDocument } from 'yaml';

export interface ComponentChanges {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

const COMPONENT_SECTIONS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'];

/**
 * Which collector components differ between two configs: `receivers/otlp`,
 * `service/pipelines/traces`, `service/telemetry`, … compared by value (key order and YAML
 * style do not count). A config that does not parse counts as having no components.
 */
export function componentChanges(before: string, after: string): ComponentChanges {
  const a = components(before);
  const b = components(after);
  const added = [...b.keys()].filter((id) => !a.has(id)).sort();
  const removed = [...a.keys()].filter((id) => !b.has(id)).sort();
  const changed = [...a.keys()].filter((id) => b.has(id) && a.get(id) !== b.get(id)).sort();
  return { added, removed, changed };
}

/**
 * The component types a collector config defines, as `kind/type` (`receivers/otlp` for
 * `otlp/2`): a collector refuses a config naming a type it was not built with, whether a
 * pipeline uses it or not. Sorted; empty for a config that does not parse.
 */
export function componentTypes(text: string): string[] {
  const types = new Set<string>();
  for (const id of components(text).keys()) {
    const [section, name] = id.split('/', 2) as [string, string | undefined];
    if (COMPONENT_SECTIONS.includes(section) && name !== undefined) types.add(`${section}/${name.split('/')[0]}`);
  }
  return [...types].sort();
}

function components(text: string): Map<string, string> {
  const found = new Map<string, string>();
  const document = parseDocument(text);
  if (document.errors.length > 0) return found;
  const root: unknown = document.toJS();
  if (!isRecord(root)) return found;
  for (const section of COMPONENT_SECTIONS) {
    const entries = root[section];
    if (isRecord(entries)) for (const [id, value] of Object.entries(entries)) found.set(`${section}/${id}`, canonicalJson(value));
  }
  const service = root['service'];
  if (isRecord(service)) {
    for (const [key, value] of Object.entries(service)) {
      if (key === 'pipelines' && isRecord(value)) {
        for (const [id, pipeline] of Object.entries(value)) found.set(`service/pipelines/${id}`, canonicalJson(pipeline));
      } else {
        found.set(`service/${key}`, canonicalJson(value));
      }
    }
  }
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted, so equal values have equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
