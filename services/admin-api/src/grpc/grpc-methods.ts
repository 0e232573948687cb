import * as messages from './grpc-messages';

/**
 * Every gRPC method of `roost.admin.v1`: the operation it runs, how its request message
 * becomes the operation's input (the same names as the HTTP API's JSON), and how the result
 * becomes its response message. Validation happens once, in the operation's schema.
 */
export interface GrpcMethod {
  readonly service: 'ConfigService' | 'AgentService' | 'GroupService' | 'RolloutService' | 'AuditService';
  readonly method: string;
  readonly operation: string;
  input(request: Request): unknown;
  output(result: never): unknown;
  readonly stream?: boolean;
}

type Request = Record<string, unknown>;

/** Drops absent fields, so a missing one reads as missing (not as null or an empty list). */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)));
}

const page = (request: Request) => ({ offset: request.offset, limit: request.limit });

function target(request: Request): unknown {
  const value = request.target as Request | undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value.group === 'string') return { group: value.group };
  if (typeof value.selector === 'string') return { selector: value.selector };
  const requirements = (value.requirements as { requirements?: Request[] } | undefined)?.requirements;
  if (requirements !== undefined) return { selector: { requirements: requirements.map((requirement) => defined({ op: requirement.op, key: requirement.key, value: requirement.value, values: requirement.values })) } };
  return {};
}

function plan(request: Request): unknown {
  const phases = request.plan as Request[] | undefined;
  if (phases === undefined || phases.length === 0) return undefined;
  return phases.map((spec) => defined({ name: spec.name, percent: spec.percent, count: spec.count, windowMs: spec.window_ms, requireApproval: spec.require_approval }));
}

function timing(request: Request): unknown {
  const value = request.timing as Request | undefined;
  if (value === undefined || value === null) return undefined;
  return defined({ applyTimeoutMs: value.apply_timeout_ms, disconnectGraceMs: value.disconnect_grace_ms, healthGraceMs: value.health_grace_ms });
}

const action = (verb: string): GrpcMethod => ({
  service: 'RolloutService',
  method: `${verb[0]?.toUpperCase()}${verb.slice(1)}Rollout`,
  operation: `rollout.${verb}`,
  input: (request) => defined({ rolloutId: request.rollout_id, reason: request.reason }),
  output: messages.rolloutSummary,
});

export const GRPC_METHODS: readonly GrpcMethod[] = [
  { service: 'ConfigService', method: 'CreateConfig', operation: 'config.create', input: (r) => defined({ name: r.name, yaml: r.yaml }), output: messages.configCreated },
  { service: 'ConfigService', method: 'ListConfigs', operation: 'config.list', input: (r) => defined(page(r)), output: messages.configList },
  { service: 'ConfigService', method: 'GetConfig', operation: 'config.get', input: (r) => defined({ ref: r.ref }), output: messages.configVersion },
  { service: 'ConfigService', method: 'ListConfigVersions', operation: 'config.versions', input: (r) => defined({ name: r.name }), output: messages.configHistory },
  { service: 'ConfigService', method: 'DiffConfigs', operation: 'config.diff', input: (r) => defined({ from: r.from, to: r.to }), output: messages.configDiff },
  {
    service: 'AgentService',
    method: 'ListAgents',
    operation: 'agent.list',
    input: (r) => defined({ selector: r.selector, group: r.group, connected: r.connected, health: r.health, ...page(r) }),
    output: messages.agentList,
  },
  { service: 'AgentService', method: 'GetAgent', operation: 'agent.get', input: (r) => defined({ agentId: r.agent_id }), output: messages.agent },
  { service: 'GroupService', method: 'ListGroups', operation: 'group.list', input: () => ({}), output: messages.groupList },
  { service: 'GroupService', method: 'GetGroup', operation: 'group.get', input: (r) => defined({ group: r.group }), output: messages.groupCounts },
  {
    service: 'RolloutService',
    method: 'CreateRollout',
    operation: 'rollout.start',
    input: (r) =>
      defined({
        target: target(r),
        configVersion: r.config_version,
        configYaml: r.config_yaml,
        configName: r.config_name,
        rolloutId: r.rollout_id,
        plan: plan(r),
        threshold: r.threshold,
        minOutcomeRatio: r.min_outcome_ratio,
        policy: r.policy,
        baselineConfigHash: r.baseline_config_hash,
        acceptKeepNewOnFailure: r.accept_keep_new_on_failure,
        stratifyBy: r.stratify_by,
        timing: timing(r),
        disconnectedPolicy: r.disconnected_policy,
      }),
    output: messages.rolloutSummary,
  },
  { service: 'RolloutService', method: 'ListRollouts', operation: 'rollout.list', input: (r) => defined({ status: r.status, group: r.group, ...page(r) }), output: messages.rolloutList },
  { service: 'RolloutService', method: 'GetRollout', operation: 'rollout.get', input: (r) => defined({ rolloutId: r.rollout_id }), output: messages.rollout },
  {
    service: 'RolloutService',
    method: 'ListRolloutAgents',
    operation: 'rollout.agents',
    input: (r) => defined({ rolloutId: r.rollout_id, state: r.state, ...page(r) }),
    output: messages.rolloutAgents,
  },
  action('pause'),
  action('resume'),
  action('promote'),
  action('abort'),
  action('rollback'),
  { service: 'RolloutService', method: 'WatchRollout', operation: 'rollout.watch', input: (r) => defined({ rolloutId: r.rollout_id }), output: messages.rollout, stream: true },
  { service: 'AuditService', method: 'ListAuditRecords', operation: 'audit.list', input: (r) => defined(page(r)), output: messages.auditList },
];
