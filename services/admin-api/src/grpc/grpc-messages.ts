import type { AuditRecord, ConfigCreateResult, ConfigDiffResult, ConfigGetResult, ConfigNameHistory, RolloutSummaryReply } from '@roost/contracts';
import type { AgentDetailView, AgentOutcome, FleetCountsView, PhaseView } from '@roost/views';
import type { ConfigListItem } from '../operations/config-operations';
import type { RolloutResource } from '../reads/rollout-resource';

/**
 * Results of operations as `roost.admin.v1` messages (field names as in the .proto; null
 * becomes an absent optional field).
 */
type Message = Record<string, unknown>;
type Paged<T> = { total: number; offset: number; items: readonly T[] };

const opt = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

export const configCreated = (result: ConfigCreateResult): Message => ({
  hash: result.hash,
  name: result.name,
  version: result.version,
  created: result.created,
  warnings: result.warnings.map((issue) => ({ code: issue.code, message: issue.message, path: issue.path, line: opt(issue.line), column: opt(issue.column) })),
});

export const configList = (page: Paged<ConfigListItem>): Message => ({
  total: page.total,
  offset: page.offset,
  items: page.items.map((item) => ({ name: item.name, versions: item.versions, latest_version: item.latestVersion, latest_hash: item.latestHash, updated_at: item.updatedAt })),
});

export const configVersion = (result: ConfigGetResult): Message => ({ hash: result.hash, name: opt(result.name), created_at: result.createdAt, yaml: result.yaml });

export const configHistory = (history: ConfigNameHistory): Message => ({
  name: history.name,
  versions: history.versions.map((entry) => ({ version: entry.version, hash: entry.hash, created_at: entry.createdAt, actor: opt(entry.actor) })),
});

export const configDiff = (diff: ConfigDiffResult): Message => ({ ...diff });

export const agent = (view: AgentDetailView): Message => ({
  agent_id: view.agentId,
  gateway_id: view.gatewayId,
  transport: view.transport,
  connected: view.connected,
  capabilities: view.capabilities,
  capability_names: view.capabilityNames,
  identifying: view.identifying,
  non_identifying: view.nonIdentifying,
  group: view.group,
  health_state: view.healthState,
  health: view.health === null ? undefined : { healthy: view.health.healthy, last_error: opt(view.health.lastError), status: opt(view.health.status) },
  remote_config_status:
    view.remoteConfigStatus === null ? undefined : { status: view.remoteConfigStatus.status, hash: view.remoteConfigStatus.hash, error_message: opt(view.remoteConfigStatus.errorMessage) },
  effective_config_hash: opt(view.effectiveConfigHash),
  current_config_hash: view.currentConfigHash,
  desired: view.desired === null ? undefined : { config_hash: view.desired.configHash, rollout_id: view.desired.rolloutId, set_by: view.desired.setBy, at: view.desired.at },
  first_seen_at: view.firstSeenAt,
  updated_at: view.updatedAt,
  connected_at: opt(view.connectedAt),
  disconnected_at: opt(view.disconnectedAt),
  last_event: view.lastEvent,
});

export const agentList = (page: Paged<AgentDetailView>): Message => ({ total: page.total, offset: page.offset, items: page.items.map(agent) });

export const groupCounts = (counts: FleetCountsView & { group?: string }): Message => ({
  group: counts.group ?? '',
  agents: counts.agents,
  connected: counts.connected,
  disconnected: counts.disconnected,
  health: counts.health,
  configs: counts.configs,
});

export const groupList = (result: { fleet: FleetCountsView; groups: readonly (FleetCountsView & { group: string })[] }): Message => ({
  fleet: groupCounts(result.fleet),
  groups: result.groups.map(groupCounts),
});

export const rolloutSummary = (summary: RolloutSummaryReply): Message => ({
  rollout_id: summary.rolloutId,
  status: summary.status,
  target: summary.target,
  config_hash: summary.configHash,
  phase: opt(summary.phase),
  awaiting_approval: summary.awaitingApproval,
  paused_by: opt(summary.pausedBy),
  started_at: summary.startedAt,
  updated_at: summary.updatedAt,
  ended_at: opt(summary.endedAt),
  members: summary.members,
  targeted: summary.targeted,
  applied: summary.applied,
  failed: summary.failed,
  pending: summary.pending,
  disconnected: summary.disconnected,
  excluded: summary.excluded,
  skipped: summary.skipped,
});

const phase = (view: PhaseView): Message => ({
  index: view.index,
  name: view.name,
  size: view.size,
  window_ms: view.windowMs,
  require_approval: view.requireApproval,
  state: view.state,
  started_at: opt(view.startedAt),
  window_ends_at: opt(view.windowEndsAt),
  ended_at: opt(view.endedAt),
  passed_by: opt(view.passedBy),
  targeted: view.targeted,
  applied: view.applied,
  failed: view.failed,
  pending: view.pending,
  disconnected: view.disconnected,
  excluded: view.excluded,
});

export const rollout = (resource: Omit<RolloutResource, 'phases' | 'failures'> & Partial<Pick<RolloutResource, 'phases' | 'failures'>>): Message => ({
  id: resource.id,
  group: resource.group,
  current_phase: resource.current_phase,
  started_at: resource.started_at,
  updated_agents: resource.updated_agents,
  total_agents: resource.total_agents,
  status: resource.status,
  target: resource.target,
  config_hash: resource.configHash,
  threshold: resource.threshold,
  policy: resource.policy,
  baseline_config_hash: opt(resource.baselineConfigHash),
  phase_index: resource.phaseIndex,
  awaiting_approval: resource.awaitingApproval,
  paused_by: opt(resource.pausedBy),
  pause_reason: opt(resource.pauseReason),
  matched: resource.matched,
  eligible: resource.eligible,
  members: resource.members,
  targeted: resource.targeted,
  counts: resource.counts,
  skipped_by: resource.skippedBy,
  failed_by: resource.failedBy,
  failure_ratio: resource.failureRatio,
  allowed_failures: resource.allowedFailures,
  failure_reason: opt(resource.failureReason),
  failed_phase: opt(resource.failedPhase),
  started_at_ms: resource.startedAt,
  updated_at: resource.updatedAt,
  ended_at: opt(resource.endedAt),
  version: resource.version,
  phases: (resource.phases ?? []).map(phase),
  failures: resource.failures ?? [],
  transitions: (resource.transitions ?? []).map((transition) => ({ n: transition.n, type: transition.type, at: transition.at, details_json: JSON.stringify(transition.details) })),
});

export const rolloutList = (page: Paged<Parameters<typeof rollout>[0]>): Message => ({ total: page.total, offset: page.offset, items: page.items.map(rollout) });

export const rolloutAgents = (page: Paged<AgentOutcome>): Message => ({
  total: page.total,
  offset: page.offset,
  items: page.items.map((outcome) => ({
    agent_id: outcome.agentId,
    state: outcome.state,
    phase: opt(outcome.phase),
    config_hash: opt(outcome.configHash),
    previous_config_hash: opt(outcome.previousConfigHash),
    connected: outcome.connected,
    error: opt(outcome.error),
    targeted_at: opt(outcome.targetedAt),
    applied_at: opt(outcome.appliedAt),
    updated_at: outcome.updatedAt,
  })),
});

export const auditList = (page: Paged<AuditRecord>): Message => ({
  total: page.total,
  offset: page.offset,
  items: page.items.map((record) => ({
    id: record.id,
    at: record.at,
    actor: record.actor.name,
    role: opt(record.actor.role),
    transport: record.transport,
    operation: record.operation,
    subject: opt(record.subject),
    outcome: record.result.outcome,
    status: record.result.status,
    code: opt(record.result.code),
    message: opt(record.result.message),
    request_json: JSON.stringify(record.request),
  })),
});
