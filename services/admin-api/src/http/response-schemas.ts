import { z } from 'zod';
import {
  API_ROLES,
  auditRecordSchema,
  configCreateResultSchema,
  configDiffResultSchema,
  configGetResultSchema,
  configNameHistorySchema,
  ENROLMENT_TOKEN_STATES,
  FLEET_EVENT_KINDS,
  REMOTE_CONFIG_STATES,
  rolloutForecastSchema,
  rolloutSummarySchema,
  selectorRequirementSchema,
} from '@roost/contracts';
import { FAILURE_REASONS, SKIP_REASONS } from '@roost/rollout';
import { AGENT_EVENT_LOG_SIZE, AGENT_OUTCOME_STATES } from '@roost/views';
import { HEALTH_STATES, ROLLOUT_STATUSES } from '../operations/request-schemas';

/**
 * What each operation answers, as the OpenAPI document describes it. Every object is closed
 * (no field beyond those listed), and the sync test checks real answers against these, so the
 * document cannot drift from what the API sends. Each resource is a named schema of
 * API_SCHEMAS (a component of the document).
 */
export const API_SCHEMAS = z.registry<{ id: string; description: string }>();

function named<T extends z.ZodType>(id: string, description: string, schema: T): T {
  API_SCHEMAS.add(schema, { id, description });
  return schema;
}

const count = z.number().int().min(0);
const millis = z.number().describe('milliseconds since the epoch');
const byKey = <K extends string>(keys: readonly K[]) => z.strictObject(Object.fromEntries(keys.map((key) => [key, count])) as Record<K, typeof count>);
const partialByKey = <K extends string>(keys: readonly K[]) => byKey(keys).partial();
const page = <T extends z.ZodType>(id: string, what: string, item: T) => named(id, `One page of ${what}`, z.strictObject({ total: count, offset: count, items: z.array(item) }));

/** A refusal: a stable code, a message for people, and details naming what was wrong. */
export const errorSchema = z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string(), details: z.record(z.string(), z.json()) }) });

const healthCounts = named('HealthCounts', 'Agents by health state', byKey(HEALTH_STATES));
const fleetCounts = named(
  'FleetCounts',
  'Agent counters of the whole fleet',
  z.strictObject({ agents: count, connected: count, disconnected: count, health: healthCounts, configs: z.record(z.string(), count).describe('config hash (or `none`) → agents running it') }),
);
const groupCounts = named('GroupCounts', 'Agent counters of one group (service.environment)', fleetCounts.extend({ group: z.string() }));

export const agentSchema = named(
  'Agent',
  'An agent (OpenTelemetry Collector) as the views hold it',
  z.strictObject({
    agentId: z.string(),
    gatewayId: z.string(),
    transport: z.enum(['websocket', 'http']),
    connected: z.boolean(),
    capabilities: count.describe('OpAMP AgentCapabilities bits'),
    capabilityNames: z.array(z.string()),
    identifying: z.record(z.string(), z.string()),
    nonIdentifying: z.record(z.string(), z.string()),
    group: z.string(),
    healthState: z.enum(HEALTH_STATES),
    health: z
      .strictObject({
        healthy: z.boolean(),
        lastError: z.string(),
        status: z.string(),
        reportedAt: millis,
        componentErrors: z.array(z.string()).optional().describe('unhealthy components\' errors (`path: error`), deepest first'),
      })
      .nullable(),
    remoteConfigStatus: z.strictObject({ hash: z.string(), status: z.enum(['UNSET', 'APPLIED', 'APPLYING', 'FAILED']), errorMessage: z.string(), reportedAt: millis }).nullable(),
    effectiveConfigHash: z.string().nullable(),
    clientCertificate: z
      .strictObject({
        subject: z.string().describe("subject common name (CN); '' when none"),
        subjectAltNames: z.array(z.string()).describe('subject alternative names as the certificate lists them (`DNS:…`, `URI:…`, `IP Address:…`)'),
        issuer: z.string().describe("issuer common name (CN); '' when none"),
        serialNumber: z.string().describe('uppercase hex'),
        fingerprintSha256: z.string().describe('SHA-256 of the DER certificate, uppercase hex pairs joined by colons, as `openssl x509 -fingerprint -sha256` prints it'),
        notAfter: millis.describe('when the certificate expires'),
      })
      .nullable()
      .describe('the TLS client certificate the agent last connected with (gateway mTLS); null without one'),
    enrolment: z
      .strictObject({
        tokenId: z.string().describe('the enrolment token\'s id (`roost_et_<id>_…`)'),
        name: z.string().describe('the token\'s name'),
        issuedFrom: z.string().nullable().describe('for a token a gateway issued to this agent: the token it was issued from; null for one an operator made'),
      })
      .nullable()
      .optional()
      .describe('the enrolment token the agent last connected with; null when it used the shared token or none (always sent; absent only from a Roost before enrolment tokens)'),
    currentConfigHash: z.string(),
    desired: z.strictObject({ configHash: z.string().nullable(), rolloutId: z.string(), setBy: z.string(), at: millis }).nullable(),
    firstSeenAt: millis,
    updatedAt: millis,
    connectedAt: millis.nullable(),
    disconnectedAt: millis.nullable(),
    lastEvent: z.string(),
  }),
);

const cohortSummary = z.strictObject({
  agents: count.describe('agents in the cohort'),
  reporting: count.describe('of those, agents with enough samples in the window: the ones counted'),
  withoutOwnMetrics: count.describe('agents that do not report their own metrics: judged by the other gates only'),
});
const dataPlaneJudgement = named(
  'DataPlaneJudgement',
  "The data-plane gates as judged at the end of a phase's window: each gate's canary and control figures, the threshold the canary was compared with, and why it failed or was not judged; while they wait for enough figures, every gate is `waiting` and `waiting` says why",
  z.strictObject({
    windowStart: millis,
    canary: cohortSummary.describe('targeted agents judged applied (each counted from the later of the phase start and its apply)'),
    control: cohortSummary.describe('members not targeted yet, on their previous config, over the same window'),
    gates: z.array(
      z.strictObject({
        gate: z.string().describe('e.g. `exporter.failed_ratio <= control+0.01`'),
        metric: z.string(),
        canary: z.number().nullable(),
        control: z.number().nullable(),
        threshold: z.number().nullable().describe('what the canary figure was compared with; null when not judged'),
        outcome: z.enum(['pass', 'fail', 'not_judged', 'waiting']),
        note: z.string().optional(),
      }),
    ),
    notes: z.array(z.string()),
    waiting: z.string().optional().describe('while the phase waits for figures: why, with how many agents of the cohort report (e.g. `waiting for data-plane figures: 1 of 3 canary agents reporting their own metrics have 3 samples in the window, 3 needed`)'),
  }),
);

const gateFigures = z.strictObject({
  population: count,
  applied: count,
  failed: count,
  pending: count,
  disconnected: count,
  allowedFailures: count,
  dataPlane: dataPlaneJudgement.optional(),
});

const phaseSchema = named(
  'Phase',
  'One phase of a rollout, as it goes',
  z.strictObject({
    index: count,
    name: z.string(),
    size: z.string().describe('`2%` or `5 agents` (cumulative)'),
    windowMs: count,
    requireApproval: z.boolean(),
    state: z.enum(['planned', 'running', 'awaiting_approval', 'passed', 'failed', 'stopped']),
    allowance: count.nullable(),
    startedAt: millis.nullable(),
    windowEndsAt: millis.nullable(),
    awaitingApprovalAt: millis.nullable(),
    endedAt: millis.nullable(),
    passedBy: z.enum(['gate', 'promote']).nullable(),
    gate: gateFigures.nullable(),
    failureReasons: partialByKey(FAILURE_REASONS),
    targeted: count,
    applied: count,
    failed: count,
    pending: count,
    disconnected: count,
    excluded: count,
  }),
);

const plannedPhase = named(
  'PlannedPhase',
  'One phase of a rollout\'s plan, as started',
  z.strictObject({
    name: z.string(),
    size: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('percent'), percent: z.number() }), z.strictObject({ kind: z.literal('count'), count })]),
    windowMs: count,
    requireApproval: z.boolean(),
  }),
);

const targetSpec = named(
  'TargetSpec',
  'The agents a rollout is for: a group, or a label selector',
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('group'), group: z.string() }),
    z.strictObject({ kind: z.literal('selector'), selector: z.strictObject({ requirements: z.array(selectorRequirementSchema) }) }),
  ]),
);

const rolloutFields = {
  rolloutId: z.string(),
  group: z.string().describe('the target group; empty for a label selector'),
  target: z.string().describe('`group production` or `selector k=v`'),
  targetSpec: targetSpec.nullable(),
  configHash: z.string(),
  plan: z.array(plannedPhase),
  threshold: z.number(),
  minOutcomeRatio: z.number(),
  policy: z.enum(['rollback', 'pause']),
  baselineConfigHash: z.string().nullable(),
  status: z.enum(ROLLOUT_STATUSES),
  currentPhase: z.string().nullable(),
  phaseIndex: z.number().int(),
  awaitingApproval: z.boolean(),
  pausedBy: z.enum(['operator', 'phase_failed']).nullable(),
  pauseReason: z.string().nullable(),
  pausedByActor: z.string().nullable().describe('who paused it (a user or token name); null when not paused or paused by a failed phase'),
  matched: count,
  eligible: count,
  members: count,
  targeted: count,
  counts: named('OutcomeCounts', 'Agents of a rollout per outcome state', byKey(AGENT_OUTCOME_STATES)),
  skippedBy: partialByKey(SKIP_REASONS),
  failedBy: partialByKey(FAILURE_REASONS),
  failureRatio: z.number(),
  allowedFailures: count,
  failureReason: z.string().nullable(),
  failedPhase: z.number().int().nullable(),
  startedAt: millis,
  updatedAt: millis,
  endedAt: millis.nullable(),
  timestamps: z.record(z.string(), millis).describe('when each transition last happened (started, phase_started, paused, …)'),
  version: count.describe('position of the last applied event in the rollout\'s history'),
  undoOf: z.string().nullable().describe('on an undo: the rollout it undoes (each agent went back to its own config from before it); else null'),
  undoneBy: z.string().nullable().describe('the latest rollout that undid this one; else null'),
};

const rolloutListItem = named('RolloutListItem', 'A rollout, as lists show it', z.strictObject(rolloutFields));

const transitionSchema = named(
  'Transition',
  'One step of a rollout\'s life (start, phase changes, pauses, the end)',
  z.strictObject({ n: count, type: z.string(), at: millis, details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) }),
);

export const rolloutSchema = named(
  'Rollout',
  'A rollout with its phases and failure groups (and, when read by id, its transitions)',
  z.strictObject({
    ...rolloutFields,
    phases: z.array(phaseSchema),
    failures: z.array(named('FailureGroup', 'Failed agents that share an error', z.strictObject({ message: z.string(), agents: count }))),
    transitions: z.array(transitionSchema).optional(),
  }),
);

const agentOutcomeSchema = named(
  'RolloutAgent',
  'One agent within one rollout',
  z.strictObject({
    agentId: z.string(),
    state: z.enum(AGENT_OUTCOME_STATES as [string, ...string[]]),
    membership: z.enum(['member', 'skipped']),
    stratum: z.string().nullable(),
    reportsRemoteConfig: z.boolean(),
    reportsHealth: z.boolean(),
    phase: z.number().int().nullable(),
    configHash: z.string().nullable(),
    previousConfigHash: z.string().nullable(),
    connected: z.boolean(),
    targetedAt: millis.nullable(),
    receivedAt: millis.nullable(),
    appliedAt: millis.nullable(),
    appliedVia: z.enum(['remote_config_status', 'effective_config']).nullable(),
    health: z.strictObject({ healthy: z.boolean(), since: millis, lastError: z.string(), componentErrors: z.array(z.string()).optional() }).nullable(),
    failure: z
      .strictObject({
        reason: z.enum(FAILURE_REASONS as [string, ...string[]]),
        detail: z.string().describe('the most specific error the agent reported (a component\'s, else its remote config status message, else its health error): what failures are grouped by'),
        details: z.array(z.string()).optional().describe('every distinct error the agent reported, most specific first'),
        at: millis,
      })
      .nullable(),
    skip: z.strictObject({ reason: z.enum(SKIP_REASONS as [string, ...string[]]), lockedBy: z.string().nullable() }).nullable(),
    exclusion: z.strictObject({ reason: z.enum(['disconnected', 'left_target']), at: millis }).nullable(),
    revert: z
      .strictObject({
        configHash: z.string(),
        source: z.enum(['previous', 'baseline', 'kept_new']),
        at: millis,
        outcome: z.strictObject({ state: z.enum(['applied', 'failed']), at: millis, detail: z.string() }).nullable(),
      })
      .nullable(),
    release: z.strictObject({ configHash: z.string().nullable(), at: millis }).nullable(),
    error: z.string().nullable(),
    updatedAt: millis,
    stateSince: millis,
  }),
);

const agentEventSchema = named(
  'AgentEvent',
  'One fleet event about an agent: what changed, and the part of its state that says how',
  z.strictObject({
    n: z.number().int().min(1).describe("the agent's nth event the views recorded: orders the log"),
    id: z.string(),
    type: z.enum(FLEET_EVENT_KINDS),
    changes: z.array(z.enum(FLEET_EVENT_KINDS)).describe('every part of the agent the event reports changed, `type` first'),
    at: millis,
    gatewayId: z.string().describe('the gateway that saw it'),
    transport: z.enum(['websocket', 'http']).optional().describe('with `connected`'),
    health: z.strictObject({ healthy: z.boolean(), lastError: z.string() }).nullable().optional().describe('with `health`'),
    remoteConfigStatus: z
      .strictObject({ status: z.enum(REMOTE_CONFIG_STATES), hash: z.string(), errorMessage: z.string() })
      .nullable()
      .optional()
      .describe('with `remote-config-status`'),
    effectiveConfigHash: z.string().nullable().optional().describe('with `effective-config`'),
  }),
);

const agentRolloutSchema = named(
  'AgentRollout',
  'A rollout an agent took part in, and where the agent stands in it',
  z.strictObject({ rollout: rolloutListItem, outcome: agentOutcomeSchema }),
);

const configRefsSchema = z.record(z.string(), z.string()).describe('config hash → `name@version`, for each hash stored under a name');

const effectiveConfig = named(
  'EffectiveConfig',
  'The effective config an agent last reported, and how it differs from a remote config',
  z.strictObject({
    agentId: z.string(),
    hash: z.string(),
    reportedAt: millis,
    gatewayId: z.string().describe('the gateway that received the report'),
    yaml: z.string().nullable().describe('the collector config (the file named "" or the only file); null when the files were left out'),
    files: z.array(z.strictObject({ name: z.string(), contentType: z.string(), body: z.string() })),
    omitted: z.string().nullable().describe('why the files were not kept (too large); null when they were'),
    against: z
      .strictObject({
        hash: z.string(),
        ref: z.string().nullable().describe('`name@version`, when stored under a name'),
        source: z.enum(['reported', 'desired', 'requested']).describe('the remote config the agent reported, the one Roost wants it to run, or the `against` asked for'),
        stored: z.boolean().describe('false: Roost does not hold this config, so there is no diff'),
      })
      .nullable(),
    diff: configDiffResultSchema.nullable().describe('from the remote config to the effective config'),
  }),
);

const configSummary = named('ConfigSummary', 'A config name with its latest version', z.strictObject({ name: z.string(), versions: count, latestVersion: count, latestHash: z.string(), updatedAt: millis }));

const enrolmentToken = named(
  'EnrolmentToken',
  'An agent enrolment token as Roost keeps it, without its secret',
  z.strictObject({
    id: z.string().describe('16 hex characters; the token text is `roost_et_<id>_<secret>`'),
    name: z.string().describe('who or what holds it'),
    scope: named(
      'EnrolmentScope',
      'Who may connect with a token: the agents of one group (`service.environment`), or one agent',
      z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('group'), group: z.string().describe('agents whose `service.environment` identifying attribute equals this') }),
        z.strictObject({ kind: z.literal('agent'), agentId: z.string().describe('the one agent (instance uid, UUID text)') }),
      ]),
    ),
    createdAt: millis,
    createdBy: z.string().describe('the API token that made it, or `gateway <id>` for one a gateway issued to an agent'),
    expiresAt: millis,
    revokedAt: millis.nullable(),
    revokedBy: z.string().nullable(),
    issuedFrom: z.string().nullable().describe('for a token a gateway issued to one agent: the token it was issued from (revoking that one revokes this one); null for tokens operators made'),
    state: z.enum(ENROLMENT_TOKEN_STATES).describe('now: `revoked` outranks `expired`'),
  }),
);

/** The original design's status object (snake_case, as its users script against it). */
export const originalStatusSchema = named(
  'OriginalRolloutStatus',
  'The original design\'s rollout status object, kept as it was (snake_case); only on the original endpoints under /api/rollout',
  z.strictObject({
    id: z.string(),
    group: z.string(),
    current_phase: z.string(),
    started_at: z.string().describe('ISO 8601'),
    updated_agents: count,
    total_agents: count,
    status: z.enum(ROLLOUT_STATUSES),
  }),
);

/** Every operation's answer, by operation name. */
export const RESPONSE_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  'config.create': named('ConfigCreated', 'A stored config version', configCreateResultSchema),
  'config.list': page('ConfigPage', 'config names', configSummary),
  'config.get': named('ConfigVersion', 'One config version with its YAML', configGetResultSchema),
  'config.versions': named('ConfigHistory', 'A config name\'s versions, oldest first', configNameHistorySchema),
  'config.diff': named('ConfigDiff', 'The differences between two config versions', configDiffResultSchema),
  'agent.list': page('AgentPage', 'agents', agentSchema),
  'agent.get': agentSchema,
  'agent.effective_config': effectiveConfig,
  'agent.events': named(
    'AgentEventLog',
    `An agent's last ${AGENT_EVENT_LOG_SIZE} fleet events, newest first`,
    z.strictObject({ agentId: z.string(), items: z.array(agentEventSchema) }),
  ),
  'agent.rollouts': page('AgentRolloutPage', 'the rollouts an agent took part in, newest first', agentRolloutSchema),
  'caller.get': named(
    'Caller',
    'The caller and what its role may do',
    z.strictObject({
      name: z.string().describe('the token\'s name (`anonymous` without a token)'),
      role: z.enum(API_ROLES),
      permissions: z.array(z.enum(['read', 'write', 'audit'])).describe('read: every GET; write: configs and rollout actions; audit: the audit trail'),
    }),
  ),
  'group.list': named('GroupList', 'The whole fleet and every group', z.strictObject({ fleet: fleetCounts, groups: z.array(groupCounts), refs: configRefsSchema })),
  'group.get': named('Group', 'One group\'s agent counters', groupCounts.extend({ refs: configRefsSchema })),
  'rollout.start': named('RolloutSummary', 'A rollout at a glance, as a command leaves it', rolloutSummarySchema),
  'rollout.plan': named('RolloutForecast', 'A dry run of a start: who each phase would reach (counts per stratum, sample agents), who would be skipped and why, how long the plan takes at the earliest', rolloutForecastSchema),
  'rollout.start_original': named(
    'OriginalRolloutStarted',
    'The original endpoint\'s answer: its first three fields as the original had them, the new rollout\'s status object, the agents of the group left out by reason, and a warning when any is',
    z.strictObject({
      status: z.literal('rollout started'),
      group: z.string(),
      id: z.string(),
      rollout: originalStatusSchema,
      skipped: partialByKey(SKIP_REASONS).describe('agents of the group left out, by reason (empty when none)'),
      warning: z.string().optional().describe('present when any agent of the group is left out: who, why, and how to include them'),
    }),
  ),
  'rollout.status_original': originalStatusSchema,
  'rollout.pause': rolloutSummarySchema,
  'rollout.resume': rolloutSummarySchema,
  'rollout.promote': rolloutSummarySchema,
  'rollout.abort': rolloutSummarySchema,
  'rollout.rollback': rolloutSummarySchema,
  'rollout.undo': rolloutSummarySchema,
  'rollout.list': page('RolloutPage', 'rollouts', rolloutListItem),
  'rollout.get': rolloutSchema,
  'rollout.agents': page('RolloutAgentPage', 'a rollout\'s agents', agentOutcomeSchema),
  'rollout.watch': rolloutSchema,
  'enrolment.create': named(
    'EnrolmentTokenCreated',
    'A token just made, with its secret: shown only in this answer',
    z.strictObject({ token: enrolmentToken, secret: z.string().describe('the token text agents present as `Authorization: Bearer <secret>` (`roost_et_<id>_<secret>`); Roost keeps only its SHA-256') }),
  ),
  'enrolment.list': page('EnrolmentTokenPage', 'enrolment tokens, newest first', enrolmentToken),
  'enrolment.revoke': enrolmentToken,
  'audit.list': page('AuditPage', 'audit records', named('AuditRecord', 'One write through the admin API, as the AUDIT stream holds it', auditRecordSchema)),
};
