import { AGENT_EVENT_LOG_SIZE } from '@roost/views';
import type { KnownErrorCode } from '../errors/error-statuses';
import { EVENT_SCHEMAS_PATH } from './event-schemas';

/**
 * Every HTTP route of the API: method, path, the operation it runs, where its input comes from,
 * what a success answers and which error codes it may answer with. The server, the OpenAPI
 * document and the sync test read this one table.
 */
export interface HttpRoute {
  readonly method: 'GET' | 'POST';
  /** With `{param}` segments, e.g. `/api/v1/rollouts/{rolloutId}`. */
  readonly path: string;
  /** Path parameters whose operation input has another name (`{ref}` → `name`). */
  readonly params?: Readonly<Record<string, string>>;
  readonly operation: string;
  /** Where the input beyond the path parameters comes from. */
  readonly input: 'query' | 'body';
  readonly status: number;
  /** Server-sent events instead of one JSON answer. */
  readonly stream?: boolean;
  readonly tag: 'configs' | 'agents' | 'groups' | 'rollouts' | 'enrolment' | 'audit' | 'caller' | 'original';
  readonly summary: string;
  readonly description?: string;
  readonly deprecated?: boolean;
  /** The operation's own refusals (besides those of every route: auth, invalid input, internal). */
  readonly errors: readonly KnownErrorCode[];
}

const ORCHESTRATOR: readonly KnownErrorCode[] = ['orchestrator.unavailable', 'orchestrator.not_leader', 'orchestrator.internal', 'command.invalid'];
const START: readonly KnownErrorCode[] = [
  ...ORCHESTRATOR,
  'config.invalid',
  'config.invalid_ref',
  'config.not_found',
  'config.missing_hash',
  'target.invalid',
  'target.invalid_selector',
  'target.overlaps_active_rollout',
  'target.no_eligible_agents',
  'rollout.invalid_id',
  'rollout.already_exists',
  'baseline.same_as_config',
  'plan.empty',
  'plan.invalid_phase',
  'plan.not_increasing',
  'plan.not_ending_at_100',
  'plan.negative_window',
  'plan.invalid_min_canary',
  'threshold.out_of_range',
  'gate.min_outcome_ratio_out_of_range',
  'gate.invalid_expression',
  'gate.unknown_metric',
  'gate.invalid_data_requirement',
  'timing.out_of_range',
  'components.missing',
];

const rolloutAction = (verb: string, summary: string): HttpRoute => ({
  method: 'POST',
  path: `/api/v1/rollouts/{rolloutId}/${verb}`,
  operation: `rollout.${verb}`,
  input: 'body',
  status: 200,
  tag: 'rollouts',
  summary,
  errors: [...ORCHESTRATOR, 'rollout.not_found', 'rollout.invalid_id', 'transition.illegal'],
});

export const HTTP_ROUTES: readonly HttpRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/configs',
    operation: 'config.create',
    input: 'body',
    status: 201,
    tag: 'configs',
    summary: 'Store collector YAML as a new version of a named config',
    description: 'Validated first; a refusal names each problem with its line and column. Answers 200 (nothing written) when the content already was the name\'s latest version.',
    errors: [...ORCHESTRATOR, 'config.invalid'],
  },
  { method: 'GET', path: '/api/v1/configs', operation: 'config.list', input: 'query', status: 200, tag: 'configs', summary: 'Config names with their latest version', errors: [] },
  { method: 'GET', path: '/api/v1/configs/{ref}', operation: 'config.get', input: 'query', status: 200, tag: 'configs', summary: 'One config version by hash, name (latest) or name@version, with its YAML', errors: [...ORCHESTRATOR, 'config.not_found', 'config.invalid_ref'] },
  { method: 'GET', path: '/api/v1/configs/{ref}/versions', params: { ref: 'name' }, operation: 'config.versions', input: 'query', status: 200, tag: 'configs', summary: "A config name's versions, oldest first", description: '`ref` is a config name here.', errors: [...ORCHESTRATOR, 'config.not_found'] },
  { method: 'GET', path: '/api/v1/configs/{ref}/diff/{to}', params: { ref: 'from' }, operation: 'config.diff', input: 'query', status: 200, tag: 'configs', summary: 'Line and component diff of two config versions', errors: [...ORCHESTRATOR, 'config.not_found', 'config.invalid_ref'] },
  { method: 'GET', path: '/api/v1/agents', operation: 'agent.list', input: 'query', status: 200, tag: 'agents', summary: 'Agents, filtered by label selector, group, connection and health, paginated', errors: ['target.invalid_selector'] },
  { method: 'GET', path: '/api/v1/agents/{agentId}', operation: 'agent.get', input: 'query', status: 200, tag: 'agents', summary: 'One agent: description, health, remote config status, current and desired config', errors: ['agent.not_found'] },
  {
    method: 'GET',
    path: '/api/v1/agents/{agentId}/effective-config',
    operation: 'agent.effective_config',
    input: 'query',
    status: 200,
    tag: 'agents',
    summary: 'The effective config an agent last reported, with a diff against the remote config it reported (or `against`)',
    description: 'Without `against`, the diff is against the remote config the agent last reported, else the config Roost wants it to run. An effective config carries what the agent adds to the remote config (a supervisor adds its own OpAMP extension and per-instance data).',
    errors: [...ORCHESTRATOR, 'agent.not_found', 'agent.no_effective_config', 'config.not_found', 'config.invalid_ref'],
  },
  {
    method: 'GET',
    path: '/api/v1/agents/{agentId}/events',
    operation: 'agent.events',
    input: 'query',
    status: 200,
    tag: 'agents',
    summary: "An agent's recent fleet events (connected, health, remote config status, …), newest first",
    description: `The views keep each agent's last ${AGENT_EVENT_LOG_SIZE} fleet events; an event says which parts of the agent changed and carries the part of its state that says how.`,
    errors: ['agent.not_found'],
  },
  {
    method: 'GET',
    path: '/api/v1/agents/{agentId}/rollouts',
    operation: 'agent.rollouts',
    input: 'query',
    status: 200,
    tag: 'agents',
    summary: 'The rollouts an agent took part in (as a member or skipped), newest first, with its outcome in each',
    errors: ['agent.not_found'],
  },
  { method: 'GET', path: '/api/v1/groups', operation: 'group.list', input: 'query', status: 200, tag: 'groups', summary: 'Groups (service.environment) with agent counts, and the whole fleet; `refs` names each config hash name@version', errors: [] },
  { method: 'GET', path: '/api/v1/groups/{group}', operation: 'group.get', input: 'query', status: 200, tag: 'groups', summary: "One group's agent counts", errors: ['group.not_found'] },
  { method: 'POST', path: '/api/v1/rollouts', operation: 'rollout.start', input: 'body', status: 201, tag: 'rollouts', summary: 'Start a rollout of a config version (or inline YAML) to a group or label selector', errors: START },
  {
    method: 'POST',
    path: '/api/v1/rollouts:plan',
    operation: 'rollout.plan',
    input: 'body',
    status: 200,
    tag: 'rollouts',
    summary: 'Dry run: who each phase of a rollout would reach, who would be skipped and why, and how long it takes at the earliest',
    description:
      'Takes the body of POST /api/v1/rollouts and decides it with the same functions against the live fleet, storing nothing. A start with the same rolloutId right after targets exactly `firstPhaseAgents` (later phases move with the fleet). Refused as the start would be.',
    errors: START.filter((code) => code !== 'rollout.already_exists'),
  },
  { method: 'GET', path: '/api/v1/rollouts', operation: 'rollout.list', input: 'query', status: 200, tag: 'rollouts', summary: 'Rollouts, newest first, by status or group', errors: [] },
  { method: 'GET', path: '/api/v1/rollouts/{rolloutId}', operation: 'rollout.get', input: 'query', status: 200, tag: 'rollouts', summary: 'A rollout: status, counts, phases, failure groups and transitions', errors: ['rollout.not_found'] },
  { method: 'GET', path: '/api/v1/rollouts/{rolloutId}/agents', operation: 'rollout.agents', input: 'query', status: 200, tag: 'rollouts', summary: "A rollout's agents and their outcomes, optionally in one state", errors: ['rollout.not_found'] },
  { method: 'GET', path: '/api/v1/rollouts/{rolloutId}/events', operation: 'rollout.watch', input: 'query', status: 200, stream: true, tag: 'rollouts', summary: 'Live progress as server-sent events (`rollout` events, then `end`)', errors: [...ORCHESTRATOR, 'rollout.not_found'] },
  rolloutAction('pause', 'Pause: the current phase holds, no new agents are targeted'),
  rolloutAction('resume', 'Resume a paused rollout'),
  rolloutAction('promote', 'Promote: end the current window early, or approve a phase awaiting approval'),
  rolloutAction('abort', 'Abort: stop where it is; agents that applied the config keep it, the others go back to the config they run'),
  rolloutAction('rollback', 'Roll back now: every touched agent returns to its own previous config'),
  {
    method: 'POST',
    path: '/api/v1/rollouts/{rolloutId}/undo',
    operation: 'rollout.undo',
    input: 'body',
    status: 201,
    tag: 'rollouts',
    summary: 'Undo an ended rollout: a new rollout returns each agent it touched to the config that agent ran before it',
    description:
      'For a rollout that completed, was aborted, failed or rolled back partially. The undo is a rollout of its own (answered with its summary, `undoOf` naming the first; the first\'s view then shows `undoneBy`), through the undone rollout\'s phases and gates or, with `fast`, one phase of every agent at once. Agents whose config changed since are skipped as `superseded`, those already back as `already_on_config`, those that ran no remote config before as `no_previous_config`.',
    errors: [...ORCHESTRATOR, 'rollout.not_found', 'rollout.invalid_id', 'rollout.already_exists', 'undo.rollout_active', 'undo.nothing_touched', 'target.no_eligible_agents', 'target.overlaps_active_rollout'],
  },
  {
    method: 'POST',
    path: '/api/v1/enrolment-tokens',
    operation: 'enrolment.create',
    input: 'body',
    status: 201,
    tag: 'enrolment',
    summary: 'Make an agent enrolment token for one group or one agent; its secret is in this answer only',
    description:
      'Agents present the token as `Authorization: Bearer roost_et_…` to the gateways, instead of the shared token. A group token admits agents whose `service.environment` is the group, an agent token the one instance uid. Roost keeps the SHA-256 of the secret, never the secret: keep `secret` now, it is not shown again.',
    errors: [...ORCHESTRATOR],
  },
  { method: 'GET', path: '/api/v1/enrolment-tokens', operation: 'enrolment.list', input: 'query', status: 200, tag: 'enrolment', summary: 'Enrolment tokens, newest first, with their state (never their secrets)', errors: [...ORCHESTRATOR] },
  {
    method: 'POST',
    path: '/api/v1/enrolment-tokens/{id}/revoke',
    operation: 'enrolment.revoke',
    input: 'body',
    status: 200,
    tag: 'enrolment',
    summary: 'Revoke an enrolment token: agents connected with it (or with a token issued from it) are disconnected, and refused from then on',
    description: 'Revoking a revoked token changes nothing and answers it as it is.',
    errors: [...ORCHESTRATOR, 'enrolment.not_found'],
  },
  { method: 'GET', path: '/api/v1/caller', operation: 'caller.get', input: 'query', status: 200, tag: 'caller', summary: "The caller: its token's name and role, and what that role may do (a client shows only the actions it may take)", errors: [] },
  { method: 'GET', path: '/api/v1/audit', operation: 'audit.list', input: 'query', status: 200, tag: 'audit', summary: 'The audit trail of writes, newest first (admins only)', errors: [] },
  {
    method: 'POST',
    path: '/api/rollout',
    operation: 'rollout.start_original',
    input: 'body',
    status: 202,
    tag: 'original',
    summary: 'The original endpoint: {group, config} starts a rollout on the default plan',
    description:
      'Kept for the original design\'s users; use POST /api/v1/rollouts. Answers the original `{status, group, id}` plus `rollout` (the original RolloutStatus, also at the `Location`, GET /api/rollout/{id}), `skipped` (agents of the group left out, by reason) and, when any is, a `warning` saying who, why and how to include them.',
    deprecated: true,
    errors: START,
  },
  {
    method: 'GET',
    path: '/api/rollout/{rolloutId}',
    operation: 'rollout.status_original',
    input: 'query',
    status: 200,
    tag: 'original',
    summary: 'The original status object of a rollout (snake_case)',
    description: 'Kept for the original design\'s users; use GET /api/v1/rollouts/{rolloutId}.',
    deprecated: true,
    errors: ['rollout.not_found'],
  },
];

/** Codes every route may answer with, whatever it does. */
// views.not_ready: the views are being rebuilt (a read, or a write waiting for them to show its change).
const EVERY_ROUTE: readonly KnownErrorCode[] = ['request.invalid', 'auth.missing_token', 'auth.invalid_token', 'auth.forbidden', 'views.not_ready', 'admin.internal'];
const BODY_ROUTE: readonly KnownErrorCode[] = ['request.malformed_json', 'request.too_large', 'request.over_budget', 'request.unsupported_media_type'];

/** Every code a route may answer with. */
export function errorCodesOf(route: HttpRoute): KnownErrorCode[] {
  return [...new Set([...EVERY_ROUTE, ...(route.input === 'body' ? BODY_ROUTE : []), ...route.errors])];
}

/** Paths answered without a token: the document itself, the probes, the Prometheus metrics and the event schemas. */
export const OPENAPI_PATH = '/api/v1/openapi.json';
export const METRICS_PATH = '/metrics';
export const PUBLIC_PATHS = [OPENAPI_PATH, '/healthz', '/readyz', METRICS_PATH, EVENT_SCHEMAS_PATH] as const;

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
