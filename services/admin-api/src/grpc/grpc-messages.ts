import type { AuditRecord, ClientCertificate, EnrolmentIssued, EnrolmentToken, ConfigCreateResult, ConfigDiffResult, ConfigGetResult, ConfigNameHistory, RolloutForecastReply, RolloutSummaryReply } from '@roost/contracts';
import type { AgentDetailView, AgentEventView, AgentOutcome, FleetCountsView, PhaseView } from '@roost/views';
import type { AgentRolloutPage } from '../reads/agent-rollouts';
import type { ConfigListItem } from '../operations/config-operations';
import type { EffectiveConfigAnswer } from '../reads/effective-config';
import type { RolloutListItem, RolloutResource } from '../reads/rollout-resource';
import { duration, enumName, struct, timestamp } from './grpc-values';

/**
 * Results of operations as `roost.admin.v1` response messages (field names as in the .proto;
 * null becomes an absent field; times become Timestamps and Durations; closed sets of values
 * become the .proto's enums).
 */
type Message = Record<string, unknown>;
type Paged<T> = { total: number; offset: number; items: readonly T[] };

const opt = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);
const page = <T>(result: Paged<T>, item: (value: T) => Message): Message => ({ total: result.total, offset: result.offset, items: result.items.map(item) });

export const configCreated = (result: ConfigCreateResult): Message => ({
  hash: result.hash,
  name: result.name,
  version: result.version,
  created: result.created,
  warnings: result.warnings.map((issue) => ({ code: issue.code, message: issue.message, path: issue.path, line: opt(issue.line), column: opt(issue.column) })),
});

export const configList = (result: Paged<ConfigListItem>): Message =>
  page(result, (item) => ({ name: item.name, versions: item.versions, latest_version: item.latestVersion, latest_hash: item.latestHash, update_time: timestamp(item.updatedAt) }));

export const configVersion = (result: ConfigGetResult): Message => ({ config: { hash: result.hash, name: opt(result.name), create_time: timestamp(result.createdAt), yaml: result.yaml } });

export const configHistory = (history: ConfigNameHistory): Message => ({
  name: history.name,
  versions: history.versions.map((entry) => ({ version: entry.version, hash: entry.hash, create_time: timestamp(entry.createdAt), actor: opt(entry.actor) })),
});

export const configDiff = (diff: ConfigDiffResult): Message => ({ ...diff });

const clientCertificateMessage = (certificate: ClientCertificate): Message => ({
  subject: certificate.subject,
  subject_alt_names: certificate.subjectAltNames,
  issuer: certificate.issuer,
  serial_number: certificate.serialNumber,
  fingerprint_sha256: certificate.fingerprintSha256,
  not_after: timestamp(certificate.notAfter),
});

const agentMessage = (view: AgentDetailView): Message => ({
  agent_id: view.agentId,
  gateway_id: view.gatewayId,
  transport: enumName('TRANSPORT', view.transport),
  connected: view.connected,
  capabilities: view.capabilities,
  capability_names: view.capabilityNames,
  identifying: view.identifying,
  non_identifying: view.nonIdentifying,
  group: view.group,
  health_state: enumName('HEALTH_STATE', view.healthState),
  health: view.health === null ? undefined : { healthy: view.health.healthy, last_error: opt(view.health.lastError), status: opt(view.health.status) },
  remote_config_status:
    view.remoteConfigStatus === null
      ? undefined
      : { state: enumName('REMOTE_CONFIG_STATE', view.remoteConfigStatus.status), hash: view.remoteConfigStatus.hash, error_message: opt(view.remoteConfigStatus.errorMessage) },
  effective_config_hash: opt(view.effectiveConfigHash),
  current_config_hash: view.currentConfigHash,
  desired: view.desired === null ? undefined : { config_hash: view.desired.configHash, rollout_id: view.desired.rolloutId, set_by: view.desired.setBy, assign_time: timestamp(view.desired.at) },
  first_seen_time: timestamp(view.firstSeenAt),
  update_time: timestamp(view.updatedAt),
  connect_time: timestamp(view.connectedAt),
  disconnect_time: timestamp(view.disconnectedAt),
  last_event: view.lastEvent,
  client_certificate: view.clientCertificate === null ? undefined : clientCertificateMessage(view.clientCertificate),
  enrolment: view.enrolment === null ? undefined : { token_id: view.enrolment.tokenId, name: view.enrolment.name, issued_from: opt(view.enrolment.issuedFrom) },
});

export const agent = (view: AgentDetailView): Message => ({ agent: agentMessage(view) });
export const effectiveConfig = (result: EffectiveConfigAnswer): Message => ({
  agent_id: result.agentId,
  hash: result.hash,
  report_time: timestamp(result.reportedAt),
  gateway_id: result.gatewayId,
  yaml: opt(result.yaml),
  files: result.files.map((file) => ({ name: file.name, content_type: file.contentType, body: file.body })),
  omitted: opt(result.omitted),
  against: result.against === null ? undefined : { hash: result.against.hash, ref: opt(result.against.ref), source: result.against.source, stored: result.against.stored },
  diff: result.diff === null ? undefined : configDiff(result.diff),
});
export const agentList = (result: Paged<AgentDetailView>): Message => page(result, agentMessage);

const agentEventMessage = (event: AgentEventView): Message => ({
  n: event.n,
  id: event.id,
  type: event.type,
  changes: event.changes,
  time: timestamp(event.at),
  gateway_id: event.gatewayId,
  transport: event.transport === undefined ? undefined : enumName('TRANSPORT', event.transport),
  health: event.health === undefined || event.health === null ? undefined : { healthy: event.health.healthy, last_error: opt(event.health.lastError) },
  remote_config_status:
    event.remoteConfigStatus === undefined || event.remoteConfigStatus === null
      ? undefined
      : { state: enumName('REMOTE_CONFIG_STATE', event.remoteConfigStatus.status), hash: event.remoteConfigStatus.hash, error_message: opt(event.remoteConfigStatus.errorMessage) },
  effective_config_hash: opt(event.effectiveConfigHash),
});

export const agentEvents = (result: { agentId: string; items: readonly AgentEventView[] }): Message => ({ agent_id: result.agentId, items: result.items.map(agentEventMessage) });

const counts = (view: FleetCountsView & { group?: string }): Message => ({
  group: view.group ?? '',
  agents: view.agents,
  connected: view.connected,
  disconnected: view.disconnected,
  health: view.health,
  configs: view.configs,
});

export const groupCounts = (view: FleetCountsView & { group?: string }): Message => ({ group: counts(view) });

export const groupList = (result: { fleet: FleetCountsView; groups: readonly (FleetCountsView & { group: string })[] }): Message => ({
  fleet: counts(result.fleet),
  groups: result.groups.map(counts),
});

/** What every rollout command answers: CreateRolloutResponse, PauseRolloutResponse, … */
export const rolloutSummary = (summary: RolloutSummaryReply): Message => ({
  rollout: {
    rollout_id: summary.rolloutId,
    status: enumName('ROLLOUT_STATUS', summary.status),
    target: summary.target,
    config_hash: summary.configHash,
    phase: opt(summary.phase),
    awaiting_approval: summary.awaitingApproval,
    paused_by: enumName('PAUSED_BY', summary.pausedBy),
    start_time: timestamp(summary.startedAt),
    update_time: timestamp(summary.updatedAt),
    end_time: timestamp(summary.endedAt),
    members: summary.members,
    targeted: summary.targeted,
    applied: summary.applied,
    failed: summary.failed,
    pending: summary.pending,
    disconnected: summary.disconnected,
    excluded: summary.excluded,
    skipped: summary.skipped,
    reverted: summary.reverted,
    released: summary.released,
    warnings: summary.warnings ?? [],
    skipped_by: summary.skippedBy ?? {},
    undo_of: opt(summary.undoOf),
  },
});

/** PlanRolloutResponse. */
export const rolloutForecast = (forecast: RolloutForecastReply): Message => ({
  forecast: {
    rollout_id: forecast.rolloutId,
    target: forecast.target,
    config_hash: forecast.configHash,
    matched: forecast.matched,
    members: forecast.members,
    skipped: forecast.skipped,
    skipped_sample: Object.fromEntries(Object.entries(forecast.skippedSample).map(([reason, agentIds]) => [reason, { agent_ids: agentIds }])),
    phases: forecast.phases.map((p) => ({
      index: p.index,
      name: p.name,
      size: p.size,
      window: duration(p.windowMs),
      require_approval: p.requireApproval,
      agents: p.agents,
      cumulative: p.cumulative,
      by_stratum: p.byStratum ?? {},
      sample: p.sample,
    })),
    first_phase_agents: forecast.firstPhaseAgents,
    earliest: duration(forecast.earliestMs),
    warnings: forecast.warnings,
    missing_components: {
      policy: enumName('MISSING_COMPONENTS_POLICY', forecast.missingComponents.policy),
      required: forecast.missingComponents.required,
      agents: forecast.missingComponents.agents,
      by_component: forecast.missingComponents.byComponent,
      sample: forecast.missingComponents.sample.map((agent) => ({ agent_id: agent.agentId, missing: agent.missing })),
      unreported: forecast.missingComponents.unreported,
    },
  },
});

const phase = (view: PhaseView): Message => ({
  index: view.index,
  name: view.name,
  size: view.size,
  window: duration(view.windowMs),
  require_approval: view.requireApproval,
  state: enumName('PHASE_STATE', view.state),
  start_time: timestamp(view.startedAt),
  window_end_time: timestamp(view.windowEndsAt),
  end_time: timestamp(view.endedAt),
  passed_by: enumName('PASSED_BY', view.passedBy),
  targeted: view.targeted,
  applied: view.applied,
  failed: view.failed,
  pending: view.pending,
  disconnected: view.disconnected,
  excluded: view.excluded,
});

type RolloutInput = RolloutListItem & Partial<Pick<RolloutResource, 'phases' | 'failures' | 'transitions'>>;

const rolloutMessage = (resource: RolloutInput): Message => ({
  rollout_id: resource.rolloutId,
  group: resource.group,
  target: resource.target,
  config_hash: resource.configHash,
  status: enumName('ROLLOUT_STATUS', resource.status),
  threshold: resource.threshold,
  policy: enumName('FAILURE_POLICY', resource.policy),
  baseline_config_hash: opt(resource.baselineConfigHash),
  current_phase: opt(resource.currentPhase),
  phase_index: resource.phaseIndex,
  awaiting_approval: resource.awaitingApproval,
  paused_by: enumName('PAUSED_BY', resource.pausedBy),
  pause_reason: opt(resource.pauseReason),
  paused_by_actor: opt(resource.pausedByActor),
  undo_of: opt(resource.undoOf),
  undone_by: opt(resource.undoneBy),
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
  start_time: timestamp(resource.startedAt),
  update_time: timestamp(resource.updatedAt),
  end_time: timestamp(resource.endedAt),
  version: resource.version,
  phases: (resource.phases ?? []).map(phase),
  failures: resource.failures ?? [],
  transitions: (resource.transitions ?? []).map((transition) => ({ n: transition.n, type: transition.type, time: timestamp(transition.at), details: struct(transition.details) })),
});

/** GetRolloutResponse and WatchRolloutResponse. */
export const rollout = (resource: RolloutInput): Message => ({ rollout: rolloutMessage(resource) });
export const rolloutList = (result: Paged<RolloutInput>): Message => page(result, rolloutMessage);

const rolloutAgentMessage = (outcome: AgentOutcome): Message => ({
  agent_id: outcome.agentId,
  state: enumName('AGENT_OUTCOME_STATE', outcome.state),
  phase: opt(outcome.phase),
  config_hash: opt(outcome.configHash),
  previous_config_hash: opt(outcome.previousConfigHash),
  connected: outcome.connected,
  error: opt(outcome.error),
  target_time: timestamp(outcome.targetedAt),
  apply_time: timestamp(outcome.appliedAt),
  update_time: timestamp(outcome.updatedAt),
});

export const rolloutAgents = (result: Paged<AgentOutcome>): Message => page(result, rolloutAgentMessage);

export const agentRollouts = (result: AgentRolloutPage): Message => page(result, (item) => ({ rollout: rolloutMessage(item.rollout), outcome: rolloutAgentMessage(item.outcome) }));

export const auditList = (result: Paged<AuditRecord>): Message =>
  page(result, (record) => ({
    id: record.id,
    time: timestamp(record.at),
    actor: record.actor.name,
    role: opt(record.actor.role),
    transport: enumName('API_TRANSPORT', record.transport),
    operation: record.operation,
    subject: opt(record.subject),
    outcome: enumName('AUDIT_OUTCOME', record.result.outcome),
    status: record.result.status,
    code: opt(record.result.code),
    message: opt(record.result.message),
    request: struct(record.request as Record<string, unknown>),
  }));

const enrolmentTokenMessage = (token: EnrolmentToken): Message => ({
  id: token.id,
  name: token.name,
  group: token.scope.kind === 'group' ? token.scope.group : undefined,
  agent_id: token.scope.kind === 'agent' ? token.scope.agentId : undefined,
  create_time: timestamp(token.createdAt),
  created_by: token.createdBy,
  expire_time: timestamp(token.expiresAt),
  revoke_time: timestamp(token.revokedAt),
  revoked_by: opt(token.revokedBy),
  issued_from: opt(token.issuedFrom),
  state: enumName('ENROLMENT_TOKEN_STATE', token.state),
});

export const enrolmentTokenCreated = (issued: EnrolmentIssued): Message => ({ token: enrolmentTokenMessage(issued.token), secret: issued.secret });
export const enrolmentTokenList = (result: Paged<EnrolmentToken>): Message => page(result, enrolmentTokenMessage);
export const enrolmentTokenRevoked = (token: EnrolmentToken): Message => ({ token: enrolmentTokenMessage(token) });
