/** A component tree as AvailableComponents carries it: component kinds (`receivers`, …), each with its types. */
export interface ComponentTree {
  readonly components?: Readonly<Record<string, ComponentNode>> | null;
}

interface ComponentNode {
  readonly subComponentMap?: Readonly<Record<string, ComponentNode>> | null;
}

/** Most components kept per agent: a collector distribution lists a few hundred at most. */
export const MAX_AVAILABLE_COMPONENTS = 1_000;

/**
 * The components an agent says it can run, as `kind/type` (`receivers/otlp`,
 * `processors/batch`): each top-level entry of AvailableComponents.components is a kind, its
 * sub-components are the types (the OpenTelemetry Collector's layout). Sorted, at most
 * MAX_AVAILABLE_COMPONENTS; null when the message carries no list (only the hash).
 */
export function availableComponentList(tree: ComponentTree): string[] | null {
  const kinds = tree.components;
  if (kinds === null || kinds === undefined || Object.keys(kinds).length === 0) return null;
  const found: string[] = [];
  for (const [kind, node] of Object.entries(kinds)) {
    const types = Object.keys(node.subComponentMap ?? {});
    if (types.length === 0) found.push(kind);
    for (const type of types) found.push(`${kind}/${type}`);
  }
  return found.sort().slice(0, MAX_AVAILABLE_COMPONENTS);
}
