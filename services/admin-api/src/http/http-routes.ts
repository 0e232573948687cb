/**
 * Every HTTP route of the API: method, path, the operation it runs, where its input comes from
 * and what a success answers. The server, the OpenAPI document and the sync test read this one
 * table.
 */
export interface HttpRoute {
  readonly method: 'GET' | 'POST';
  /** With `{param}` segments, e.g. `/api/v1/rollouts/{rolloutId}`. */
  readonly path: string;
  readonly operation: string;
  /** Where the input beyond the path parameters comes from. */
  readonly input: 'query' | 'body';
  readonly status: number;
  /** Server-sent events instead of one JSON answer. */
  readonly stream?: boolean;
  readonly tag: 'configs' | 'agents' | 'groups' | 'rollouts' | 'audit';
  readonly summary: string;
}

const rolloutAction = (verb: string, summary: string): HttpRoute => ({
  method: 'POST',
  path: `/api/v1/rollouts/{rolloutId}/${verb}`,
  operation: `rollout.${verb}`,
  input: 'body',
  status: 200,
  tag: 'rollouts',
  summary,
});

export const HTTP_ROUTES: readonly HttpRoute[] = [
  { method: 'POST', path: '/api/v1/configs', operation: 'config.create', input: 'body', status: 201, tag: 'configs', summary: 'Store collector YAML as a new version of a named config (validated; errors carry line and column). 200 when it already was the latest version.' },
  { method: 'GET', path: '/api/v1/configs', operation: 'config.list', input: 'query', status: 200, tag: 'configs', summary: 'Config names with their latest version' },
  { method: 'GET', path: '/api/v1/configs/{ref}', operation: 'config.get', input: 'query', status: 200, tag: 'configs', summary: 'One config version by hash, name (latest) or name@version, with its YAML' },
  { method: 'GET', path: '/api/v1/configs/{name}/versions', operation: 'config.versions', input: 'query', status: 200, tag: 'configs', summary: "A config name's versions, oldest first" },
  { method: 'GET', path: '/api/v1/configs/{from}/diff/{to}', operation: 'config.diff', input: 'query', status: 200, tag: 'configs', summary: 'Line and component diff of two config versions' },
  { method: 'GET', path: '/api/v1/agents', operation: 'agent.list', input: 'query', status: 200, tag: 'agents', summary: 'Agents, filtered by label selector, group, connection and health, paginated' },
  { method: 'GET', path: '/api/v1/agents/{agentId}', operation: 'agent.get', input: 'query', status: 200, tag: 'agents', summary: 'One agent: description, health, remote config status, current and desired config' },
  { method: 'GET', path: '/api/v1/groups', operation: 'group.list', input: 'query', status: 200, tag: 'groups', summary: 'Groups (service.environment) with agent counts, and the whole fleet' },
  { method: 'GET', path: '/api/v1/groups/{group}', operation: 'group.get', input: 'query', status: 200, tag: 'groups', summary: "One group's agent counts" },
  { method: 'POST', path: '/api/v1/rollouts', operation: 'rollout.start', input: 'body', status: 201, tag: 'rollouts', summary: 'Start a rollout of a config version (or inline YAML) to a group or label selector' },
  { method: 'GET', path: '/api/v1/rollouts', operation: 'rollout.list', input: 'query', status: 200, tag: 'rollouts', summary: 'Rollouts, newest first, by status or group' },
  { method: 'GET', path: '/api/v1/rollouts/{rolloutId}', operation: 'rollout.get', input: 'query', status: 200, tag: 'rollouts', summary: 'A rollout: status, counts, phases, failure groups and transitions' },
  { method: 'GET', path: '/api/v1/rollouts/{rolloutId}/agents', operation: 'rollout.agents', input: 'query', status: 200, tag: 'rollouts', summary: "A rollout's agents and their outcomes, optionally in one state" },
  { method: 'GET', path: '/api/v1/rollouts/{rolloutId}/events', operation: 'rollout.watch', input: 'query', status: 200, stream: true, tag: 'rollouts', summary: 'Live progress as server-sent events (`rollout` events, then `end`)' },
  rolloutAction('pause', 'Pause: the current phase holds, no new agents are targeted'),
  rolloutAction('resume', 'Resume a paused rollout'),
  rolloutAction('promote', 'Promote: end the current window early, or approve a phase awaiting approval'),
  rolloutAction('abort', 'Abort: stop where it is; every agent keeps the config it was given'),
  rolloutAction('rollback', 'Roll back now: every touched agent returns to its own previous config'),
  { method: 'GET', path: '/api/v1/audit', operation: 'audit.list', input: 'query', status: 200, tag: 'audit', summary: 'The audit trail of writes, newest first (admins only)' },
  { method: 'POST', path: '/api/rollout', operation: 'rollout.start_original', input: 'body', status: 202, tag: 'rollouts', summary: 'The original endpoint: {group, config} starts a rollout on the default plan' },
];

/** Paths answered without a token: the document itself and the probes. */
export const OPENAPI_PATH = '/api/v1/openapi.json';
export const PUBLIC_PATHS = [OPENAPI_PATH, '/healthz', '/readyz'] as const;

export interface RouteMatch {
  readonly route: HttpRoute;
  readonly params: Readonly<Record<string, string>>;
}

/** The route for a method and path; `method_mismatch` when only another method has the path. */
export function matchRoute(routes: readonly HttpRoute[], method: string, path: string): RouteMatch | 'method_mismatch' | null {
  const segments = path.split('/');
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPath(route.path.split('/'), segments);
    if (params === null) continue;
    if (route.method === method) return { route, params };
    pathMatched = true;
  }
  return pathMatched ? 'method_mismatch' : null;
}

function matchPath(template: readonly string[], segments: readonly string[]): Record<string, string> | null {
  if (template.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith('{') && part.endsWith('}')) {
      if (segment === '') return null;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (part !== segment) return null;
  }
  return params;
}
