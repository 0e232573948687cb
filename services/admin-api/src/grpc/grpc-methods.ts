import * as messages from './grpc-messages';
import { enumInput, millis } from './grpc-values';

/**
 * Every gRPC method of `roost.admin.v1`: the operation it runs, how its request message
 * becomes the operation's input (the same names as the HTTP API's JSON), and how the result
 * becomes its response message. Validation happens once, in the operation's schema.
 */
export interface GrpcMethod {
  readonly service: 'ConfigService' | 'AgentService' | 'GroupService' | 'RolloutService' | 'EnrolmentService' | 'AuditService';
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
  if (requirements !== undefined) {
    const requirement = (r: Request) => defined({ op: enumInput('SELECTOR_OPERATOR', r.operator), key: r.key, value: r.value, values: r.values });
    return { selector: { requirements: requirements.map(requirement) } };
  }
  return {};
}

function plan(request: Request): unknown {
  const phases = request.plan as Request[] | undefined;
  if (phases === undefined || phases.length === 0) return undefined;
  return phases.map((spec) => defined({ name: spec.name, percent: spec.percent, count: spec.count, windowMs: millis(spec.window), requireApproval: spec.require_approval }));
}

function timing(request: Request): unknown {
  const value = request.timing as Request | undefined;
  if (value === undefined || value === null) return undefined;
  return defined({ applyTimeoutMs: millis(value.apply_timeout), disconnectGraceMs: millis(value.disconnect_grace), healthGraceMs: millis(value.health_grace) });
}

/** A CreateRolloutRequest as the input of a start (or of its dry run). */
function startInput(r: Request): unknown {
  return defined({
    target: target(r),
    configVersion: r.config_version,
    configYaml: r.config_yaml,
    configName: r.config_name,
    rolloutId: r.rollout_id,
    plan: plan(r),
    threshold: r.threshold,
    minOutcomeRatio: r.min_outcome_ratio,
    policy: enumInput('FAILURE_POLICY', r.policy),
    baselineConfigHash: r.baseline_config_hash,
    acceptKeepNewOnFailure: r.accept_keep_new_on_failure,
    stratifyBy: r.stratify_by,
    timing: timing(r),
    disconnectedPolicy: enumInput('DISCONNECTED_POLICY', r.disconnected_policy),
    minCanaryAgents: r.min_canary_agents,
    missingComponentsPolicy: enumInput('MISSING_COMPONENTS_POLICY', r.missing_components_policy),
    dataPlane: dataPlane(r),
  });
}

function dataPlane(request: Request): unknown {
  const gates = request.data_plane_gates as string[] | undefined;
  if (gates === undefined || gates.length === 0) return undefined;
  return defined({ gates, minSamplesPerAgent: request.data_plane_min_samples, minAgentsPerCohort: request.data_plane_min_agents });
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
    input: (r) => defined({ selector: r.selector, group: r.group, connected: r.connected, health: enumInput('HEALTH_STATE', r.health), ...page(r) }),
    output: messages.agentList,
  },
  { service: 'AgentService', method: 'GetAgent', operation: 'agent.get', input: (r) => defined({ agentId: r.agent_id }), output: messages.agent },
  { service: 'AgentService', method: 'GetAgentEffectiveConfig', operation: 'agent.effective_config', input: (r) => defined({ agentId: r.agent_id, against: r.against }), output: messages.effectiveConfig },
  { service: 'AgentService', method: 'ListAgentEvents', operation: 'agent.events', input: (r) => defined({ agentId: r.agent_id }), output: messages.agentEvents },
  { service: 'AgentService', method: 'ListAgentRollouts', operation: 'agent.rollouts', input: (r) => defined({ agentId: r.agent_id, ...page(r) }), output: messages.agentRollouts },
  { service: 'GroupService', method: 'ListGroups', operation: 'group.list', input: () => ({}), output: messages.groupList },
  { service: 'GroupService', method: 'GetGroup', operation: 'group.get', input: (r) => defined({ group: r.group }), output: messages.groupCounts },
  { service: 'RolloutService', method: 'CreateRollout', operation: 'rollout.start', input: startInput, output: messages.rolloutSummary },
  { service: 'RolloutService', method: 'PlanRollout', operation: 'rollout.plan', input: (r) => startInput((r.rollout as Request | undefined) ?? {}), output: messages.rolloutForecast },
  { service: 'RolloutService', method: 'ListRollouts', operation: 'rollout.list', input: (r) => defined({ status: enumInput('ROLLOUT_STATUS', r.status), group: r.group, ...page(r) }), output: messages.rolloutList },
  { service: 'RolloutService', method: 'GetRollout', operation: 'rollout.get', input: (r) => defined({ rolloutId: r.rollout_id }), output: messages.rollout },
  {
    service: 'RolloutService',
    method: 'ListRolloutAgents',
    operation: 'rollout.agents',
    input: (r) => defined({ rolloutId: r.rollout_id, state: enumInput('AGENT_OUTCOME_STATE', r.state), ...page(r) }),
    output: messages.rolloutAgents,
  },
  action('pause'),
  action('resume'),
  action('promote'),
  action('abort'),
  action('rollback'),
  {
    service: 'RolloutService',
    method: 'UndoRollout',
    operation: 'rollout.undo',
    input: (r) => defined({ rolloutId: r.rollout_id, undoRolloutId: r.undo_rollout_id, fast: r.fast }),
    output: messages.rolloutSummary,
  },
  { service: 'RolloutService', method: 'WatchRollout', operation: 'rollout.watch', input: (r) => defined({ rolloutId: r.rollout_id }), output: messages.rollout, stream: true },
  {
    service: 'EnrolmentService',
    method: 'CreateEnrolmentToken',
    operation: 'enrolment.create',
    input: (r) => defined({ name: r.name, group: r.group, agentId: r.agent_id, ttlMs: millis(r.ttl) }),
    output: messages.enrolmentTokenCreated,
  },
  { service: 'EnrolmentService', method: 'ListEnrolmentTokens', operation: 'enrolment.list', input: (r) => defined({ issuedFrom: r.issued_from, ...page(r) }), output: messages.enrolmentTokenList },
  { service: 'EnrolmentService', method: 'RevokeEnrolmentToken', operation: 'enrolment.revoke', input: (r) => defined({ id: r.id }), output: messages.enrolmentTokenRevoked },
  { service: 'AuditService', method: 'ListAuditRecords', operation: 'audit.list', input: (r) => defined(page(r)), output: messages.auditList },
];
