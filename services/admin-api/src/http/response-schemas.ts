import { z } from 'zod';
import {
  auditRecordSchema,
  configCreateResultSchema,
  configDiffResultSchema,
  configGetResultSchema,
  configNameHistorySchema,
  rolloutSummarySchema,
} from '@roost/contracts';
import { AGENT_OUTCOME_STATES } from '@roost/views';
import { HEALTH_STATES, ROLLOUT_STATUSES } from '../operations/request-schemas';

/**
 * What each operation answers, as documented in the OpenAPI document. The sync test checks real
 * answers against these, so the document cannot drift from what the API sends. Objects accept
 * fields beyond the ones listed (clients must ignore fields they do not know).
 */

const count = z.number().int().min(0);
const millis = z.number();
const page = <T extends z.ZodType>(item: T) => z.looseObject({ total: count, offset: count, items: z.array(item) });

export const errorSchema = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
});

const healthCounts = z.looseObject({ healthy: count, unhealthy: count, unknown: count });
const fleetCounts = z.looseObject({ agents: count, connected: count, disconnected: count, health: healthCounts, configs: z.record(z.string(), count) });
const groupCounts = fleetCounts.extend({ group: z.string() });

export const agentSchema = z.looseObject({
  agentId: z.string(),
  gatewayId: z.string(),
  transport: z.enum(['websocket', 'http']),
  connected: z.boolean(),
  capabilities: z.number(),
  capabilityNames: z.array(z.string()),
  identifying: z.record(z.string(), z.string()),
  nonIdentifying: z.record(z.string(), z.string()),
  group: z.string(),
  healthState: z.enum(HEALTH_STATES),
  health: z.looseObject({ healthy: z.boolean() }).nullable(),
  remoteConfigStatus: z.looseObject({ status: z.string(), hash: z.string() }).nullable(),
  effectiveConfigHash: z.string().nullable(),
  currentConfigHash: z.string(),
  desired: z.looseObject({ configHash: z.string(), rolloutId: z.string(), setBy: z.string(), at: millis }).nullable(),
  firstSeenAt: millis,
  updatedAt: millis,
  connectedAt: millis.nullable(),
  disconnectedAt: millis.nullable(),
  lastEvent: z.string(),
});

const phaseSchema = z.looseObject({
  index: count,
  name: z.string(),
  size: z.string(),
  windowMs: millis,
  requireApproval: z.boolean(),
  state: z.enum(['planned', 'running', 'awaiting_approval', 'passed', 'failed']),
  targeted: count,
  applied: count,
  failed: count,
  pending: count,
  disconnected: count,
  excluded: count,
});

const rolloutStatusSchema = z.looseObject({
  // the original design's status object
  id: z.string(),
  group: z.string(),
  current_phase: z.string(),
  started_at: z.string(),
  updated_agents: count,
  total_agents: count,
  status: z.enum(ROLLOUT_STATUSES),
  // Roost's
  target: z.string(),
  configHash: z.string(),
  plan: z.array(z.looseObject({ name: z.string(), windowMs: millis, requireApproval: z.boolean() })),
  threshold: z.number(),
  policy: z.string(),
  baselineConfigHash: z.string().nullable(),
  currentPhase: z.string().nullable(),
  phaseIndex: z.number().int(),
  awaitingApproval: z.boolean(),
  pausedBy: z.string().nullable(),
  matched: count,
  eligible: count,
  members: count,
  targeted: count,
  counts: z.record(z.enum(AGENT_OUTCOME_STATES as [string, ...string[]]), count),
  skippedBy: z.record(z.string(), count),
  failedBy: z.record(z.string(), count),
  failureRatio: z.number(),
  failureReason: z.string().nullable(),
  startedAt: millis,
  updatedAt: millis,
  endedAt: millis.nullable(),
  version: count,
});

export const rolloutSchema = rolloutStatusSchema.extend({
  phases: z.array(phaseSchema),
  failures: z.array(z.strictObject({ message: z.string(), agents: count })),
  transitions: z.array(z.looseObject({ n: count, type: z.string(), at: millis, details: z.record(z.string(), z.unknown()) })).optional(),
});

const agentOutcomeSchema = z.looseObject({
  agentId: z.string(),
  state: z.enum(AGENT_OUTCOME_STATES as [string, ...string[]]),
  phase: z.number().int().nullable(),
  configHash: z.string().nullable(),
  previousConfigHash: z.string().nullable(),
  connected: z.boolean(),
  error: z.string().nullable(),
  updatedAt: millis,
});

const configListItem = z.strictObject({ name: z.string(), versions: count, latestVersion: count, latestHash: z.string(), updatedAt: millis });

/** Every operation's answer, by operation name. */
export const RESPONSE_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  'config.create': configCreateResultSchema,
  'config.list': page(configListItem),
  'config.get': configGetResultSchema,
  'config.versions': configNameHistorySchema,
  'config.diff': configDiffResultSchema,
  'agent.list': page(agentSchema),
  'agent.get': agentSchema,
  'group.list': z.strictObject({ fleet: fleetCounts, groups: z.array(groupCounts) }),
  'group.get': groupCounts,
  'rollout.start': rolloutSummarySchema,
  'rollout.start_original': z.strictObject({ status: z.literal('rollout started'), group: z.string(), id: z.string() }),
  'rollout.pause': rolloutSummarySchema,
  'rollout.resume': rolloutSummarySchema,
  'rollout.promote': rolloutSummarySchema,
  'rollout.abort': rolloutSummarySchema,
  'rollout.rollback': rolloutSummarySchema,
  'rollout.list': page(rolloutStatusSchema),
  'rollout.get': rolloutSchema,
  'rollout.agents': page(agentOutcomeSchema),
  'rollout.watch': rolloutSchema,
  'audit.list': page(auditRecordSchema),
};
