import { MAX_STATUS_TEXT_CHARS } from './agent-state';

/** A health report's tree: each component with its own health, nested (a pipeline holds its receivers, …). */
export interface ComponentHealthTree {
  readonly healthy?: boolean | null;
  readonly lastError?: string | null;
  readonly componentHealthMap?: Readonly<Record<string, ComponentHealthTree>> | null;
}

/** Most component errors kept per report: the deepest first, enough to name what failed. */
export const MAX_COMPONENT_ERRORS = 8;

/**
 * The errors an agent's unhealthy components report, as `path: error` with the path of component
 * names from the top (`pipeline:traces/receiver:otlp: listen tcp …`), deepest components first
 * (the most specific), then by path. Healthy components and empty errors are left out.
 */
export function componentErrors(root: ComponentHealthTree): string[] {
  const found: { path: string[]; error: string }[] = [];
  const walk = (node: ComponentHealthTree, path: string[]): void => {
    const error = node.lastError ?? '';
    if (path.length > 0 && node.healthy !== true && error !== '') found.push({ path, error });
    for (const name of Object.keys(node.componentHealthMap ?? {}).sort()) {
      const child = node.componentHealthMap?.[name];
      if (child !== undefined && path.length < 8) walk(child, [...path, name]);
    }
  };
  walk(root, []);
  return found
    .sort((a, b) => b.path.length - a.path.length || a.path.join('/').localeCompare(b.path.join('/')))
    .slice(0, MAX_COMPONENT_ERRORS)
    .map(({ path, error }) => `${path.join('/')}: ${error}`.slice(0, MAX_STATUS_TEXT_CHARS));
}
