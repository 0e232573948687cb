import { z } from 'zod';
import { jsonContract } from './json-codec';

/**
 * Request/reply contracts of the orchestrator's admin commands (core NATS request/reply on
 * `rollout.cmd.<verb>`, `rollout.query.<verb>`, `config.cmd.<verb>`, `group.cmd.<verb>`).
 * The admin API sends these; the orchestrator leader answers every request with a
 * `CommandReply`: the result, or a coded error whose message says what to do.
 */

const hash = z.string().regex(/^[0-9a-f]{64}$/, 'a config hash is 64 lowercase hex characters');
/** Rollout ids become one subject token (`rollout.events.<id>`). */
export const rolloutIdSchema = z.string().regex(/^[-_A-Za-z0-9]{1,128}$/, 'a rollout id is 1-128 characters of [-_A-Za-z0-9]');
/** Config names become one KV key token (`name.<name>` in `configs`). */
export const configNameSchema = z.string().regex(/^[-_A-Za-z0-9]{1,128}$/, 'a config name is 1-128 characters of [-_A-Za-z0-9]');
const actor = z.string().min(1, 'name the actor (user or system) issuing the command');

export const selectorRequirementSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('equals'), key: z.string(), value: z.string() }),
  z.object({ op: z.literal('not_equals'), key: z.string(), value: z.string() }),
  z.object({ op: z.literal('in'), key: z.string(), values: z.array(z.string()).min(1) }),
  z.object({ op: z.literal('not_in'), key: z.string(), values: z.array(z.string()).min(1) }),
  z.object({ op: z.literal('exists'), key: z.string() }),
  z.object({ op: z.literal('not_exists'), key: z.string() }),
]);

/**
 * A group name (agents whose `service.environment` equals it) or a label selector, given as
 * text (`service.environment=prod,cloud.region in (eu,us)`) or as structured requirements.
 */
export const rolloutTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('group'), group: z.string().min(1) }),
  z.object({ kind: z.literal('selector'), selector: z.union([z.string(), z.object({ requirements: z.array(selectorRequirementSchema) })]) }),
]);
export type RolloutTargetRequest = z.infer<typeof rolloutTargetSchema>;

export const phaseSpecSchema = z.object({
  name: z.string().optional(),
  percent: z.number().optional(),
  count: z.number().optional(),
  windowMs: z.number().optional(),
  requireApproval: z.boolean().optional(),
});

export const startRolloutRequestSchema = z
  .object({
    target: rolloutTargetSchema,
    /** An existing config version by its hash, … */
    configHash: hash.optional(),
    /** … or by any reference the orchestrator's config store resolves (a hash or its first 8+ characters, a name, name@version), … */
    configRef: z.string().min(1).optional(),
    /** … or collector YAML to store as a new version first (validated the same way). */
    config: z.object({ yaml: z.string(), name: configNameSchema.optional() }).optional(),
    /** Client-chosen id: a retried start with the same id is refused as `rollout.already_exists`, never run twice. */
    rolloutId: rolloutIdSchema.optional(),
    plan: z.array(phaseSpecSchema).optional(),
    threshold: z.number().optional(),
    minOutcomeRatio: z.number().optional(),
    policy: z.enum(['rollback', 'pause']).optional(),
    baselineConfigHash: hash.nullable().optional(),
    /** The baseline by any reference, as for configRef (instead of baselineConfigHash). */
    baselineConfigRef: z.string().min(1).optional(),
    acceptKeepNewOnFailure: z.boolean().optional(),
    stratifyBy: z.string().nullable().optional(),
    timing: z
      .object({ applyTimeoutMs: z.number().optional(), disconnectGraceMs: z.number().optional(), healthGraceMs: z.number().optional() })
      .optional(),
    disconnectedPolicy: z.enum(['fail', 'exclude']).optional(),
    /** No phase targets fewer agents than this (capped by the members). */
    minCanaryAgents: z.number().optional(),
    /** Agents lacking a component the config uses (from their AvailableComponents): leave them out (default), refuse the start, or let them take part. */
    missingComponentsPolicy: z.enum(['exclude', 'refuse', 'include']).optional(),
    /** Data-plane gates: expressions (`exporter.failed_ratio <= control+0.01`) or gates as data; the engine validates them. */
    dataPlane: z
      .object({
        gates: z.array(z.union([z.string(), z.object({ metric: z.string(), op: z.string(), bound: z.record(z.string(), z.unknown()) })])),
        minSamplesPerAgent: z.number().optional(),
        minAgentsPerCohort: z.number().optional(),
      })
      .optional(),
    actor: actor.optional(),
  })
  .refine((request) => [request.configHash, request.configRef, request.config].filter((given) => given !== undefined).length === 1, {
    message: 'give exactly one of configHash or configRef (an existing version) or config.yaml (a new one)',
    path: ['configHash'],
  })
  .refine((request) => request.baselineConfigHash === undefined || request.baselineConfigRef === undefined, {
    message: 'give at most one of baselineConfigHash and baselineConfigRef',
    path: ['baselineConfigRef'],
  });
export type StartRolloutRequest = z.infer<typeof startRolloutRequestSchema>;
export const startRolloutRequestContract = jsonContract<StartRolloutRequest>('start rollout request', startRolloutRequestSchema);

/** pause, resume, promote, abort, rollback. */
export const rolloutActionRequestSchema = z.object({ rolloutId: rolloutIdSchema, reason: z.string().optional(), actor });
export type RolloutActionRequest = z.infer<typeof rolloutActionRequestSchema>;
export const rolloutActionRequestContract = jsonContract<RolloutActionRequest>('rollout action request', rolloutActionRequestSchema);

/** Undo an ended rollout: a new rollout (`undoRolloutId`, else one the orchestrator names) returns each agent it touched to its own previous config. */
export const undoRolloutRequestSchema = z.object({
  rolloutId: rolloutIdSchema,
  undoRolloutId: rolloutIdSchema.optional(),
  /** One phase of every agent at once, no window, instead of the undone rollout's phases (gates still judge every outcome). */
  fast: z.boolean().optional(),
  actor,
});
export type UndoRolloutRequest = z.infer<typeof undoRolloutRequestSchema>;
export const undoRolloutRequestContract = jsonContract<UndoRolloutRequest>('undo rollout request', undoRolloutRequestSchema);

export const rolloutStatusRequestSchema = z.object({ rolloutId: rolloutIdSchema });
export type RolloutStatusRequest = z.infer<typeof rolloutStatusRequestSchema>;
export const rolloutStatusRequestContract = jsonContract<RolloutStatusRequest>('rollout status request', rolloutStatusRequestSchema);

/** What every rollout command answers with: the rollout at a glance after the command. */
export const rolloutSummarySchema = z.object({
  rolloutId: z.string(),
  status: z.enum(['pending', 'in_progress', 'paused', 'completed', 'rolled_back', 'aborted', 'failed']),
  target: z.string(),
  configHash: z.string(),
  phase: z.object({ index: z.number(), name: z.string(), of: z.number() }).nullable(),
  awaitingApproval: z.boolean(),
  pausedBy: z.enum(['operator', 'phase_failed']).nullable(),
  startedAt: z.number(),
  updatedAt: z.number(),
  endedAt: z.number().nullable(),
  members: z.number(),
  targeted: z.number(),
  applied: z.number(),
  failed: z.number(),
  pending: z.number(),
  reverted: z.number(),
  released: z.number(),
  disconnected: z.number(),
  excluded: z.number(),
  skipped: z.number(),
  /** Only on a start: what the operator probably did not mean (the rollout runs anyway). */
  warnings: z.array(z.object({ code: z.string(), message: z.string() })).optional(),
  /** Only on a start that left agents of the target out: how many, by reason (`no_previous_config`, …). */
  skippedBy: z.record(z.string(), z.number()).optional(),
  /** Only on an undo: the rollout it undoes. */
  undoOf: z.string().optional(),
});
export type RolloutSummaryReply = z.infer<typeof rolloutSummarySchema>;

/** A dry run of a start: who each phase would reach, what would be skipped and why. */
export const rolloutForecastSchema = z.object({
  rolloutId: z.string(),
  target: z.string(),
  configHash: z.string(),
  matched: z.number(),
  members: z.number(),
  skipped: z.record(z.string(), z.number()),
  skippedSample: z.record(z.string(), z.array(z.string())),
  phases: z.array(
    z.object({
      index: z.number(),
      name: z.string(),
      size: z.string(),
      windowMs: z.number(),
      requireApproval: z.boolean(),
      agents: z.number(),
      cumulative: z.number(),
      byStratum: z.record(z.string(), z.number()).nullable(),
      sample: z.array(z.string()),
    }),
  ),
  firstPhaseAgents: z.array(z.string()),
  earliestMs: z.number(),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  missingComponents: z.object({
    policy: z.enum(['exclude', 'refuse', 'include']),
    required: z.array(z.string()),
    agents: z.number(),
    byComponent: z.record(z.string(), z.number()),
    sample: z.array(z.object({ agentId: z.string(), missing: z.array(z.string()) })),
    unreported: z.number(),
  }),
});
export type RolloutForecastReply = z.infer<typeof rolloutForecastSchema>;

export const configCreateRequestSchema = z.object({ yaml: z.string(), name: configNameSchema, actor: actor.optional() });
export type ConfigCreateRequest = z.infer<typeof configCreateRequestSchema>;
export const configCreateRequestContract = jsonContract<ConfigCreateRequest>('config create request', configCreateRequestSchema);

/** A problem found in a collector config; line and column are 1-based, null when not tied to a place. */
export const configIssueSchema = z.object({
  code: z.string(),
  message: z.string(),
  path: z.string(),
  line: z.number().nullable(),
  column: z.number().nullable(),
});
export type ConfigIssue = z.infer<typeof configIssueSchema>;

export const configCreateResultSchema = z.object({
  hash,
  name: z.string(),
  /** 1-based position in the name's history. */
  version: z.number().int().positive(),
  /** False when this exact content already was the name's latest version (nothing written). */
  created: z.boolean(),
  warnings: z.array(configIssueSchema),
});
export type ConfigCreateResult = z.infer<typeof configCreateResultSchema>;

/** `ref`: a hash, `<name>` (its latest version) or `<name>@<version>`. */
export const configGetRequestSchema = z.object({ ref: z.string().min(1) });
export type ConfigGetRequest = z.infer<typeof configGetRequestSchema>;
export const configGetRequestContract = jsonContract<ConfigGetRequest>('config get request', configGetRequestSchema);
export const configGetResultSchema = z.object({ hash, name: z.string().nullable(), createdAt: z.number(), yaml: z.string() });
export type ConfigGetResult = z.infer<typeof configGetResultSchema>;

export const configHistoryRequestSchema = z.object({ name: configNameSchema });
export type ConfigHistoryRequest = z.infer<typeof configHistoryRequestSchema>;
export const configHistoryRequestContract = jsonContract<ConfigHistoryRequest>('config history request', configHistoryRequestSchema);

/** `configs` KV entry under `name.<name>`: a named config's versions, oldest first. */
export const configNameHistorySchema = z.object({
  name: configNameSchema,
  versions: z.array(z.object({ version: z.number().int().positive(), hash, createdAt: z.number(), actor: z.string().nullable() })),
});
export type ConfigNameHistory = z.infer<typeof configNameHistorySchema>;
export const configNameHistoryContract = jsonContract<ConfigNameHistory>('config name history', configNameHistorySchema);

export const configDiffRequestSchema = z.object({ from: z.string().min(1), to: z.string().min(1) });
export type ConfigDiffRequest = z.infer<typeof configDiffRequestSchema>;
export const configDiffRequestContract = jsonContract<ConfigDiffRequest>('config diff request', configDiffRequestSchema);
export const configDiffResultSchema = z.object({
  from: hash,
  to: hash,
  added: z.number(),
  removed: z.number(),
  /** Unified diff text (3 lines of context), empty when the versions are equal. */
  unified: z.string(),
  /** Collector components (`receivers/otlp`, `service/pipelines/traces`) added, removed or changed. */
  components: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) }),
});
export type ConfigDiffResult = z.infer<typeof configDiffResultSchema>;

export const groupListRequestSchema = z.object({});
export type GroupListRequest = z.infer<typeof groupListRequestSchema>;
export const groupListRequestContract = jsonContract<GroupListRequest>('group list request', groupListRequestSchema);
const agentCountsSchema = z.object({
  agents: z.number(),
  connected: z.number(),
  /** Connected and advertising AcceptsRemoteConfig. */
  acceptsRemoteConfig: z.number(),
});
export const groupListResultSchema = z.object({
  groups: z.array(agentCountsSchema.extend({ group: z.string() })),
  /** Agents without a `service.environment` identifying attribute. */
  ungrouped: agentCountsSchema,
});
export type GroupListResult = z.infer<typeof groupListResultSchema>;

export const groupPreviewRequestSchema = z.object({ target: rolloutTargetSchema });
export type GroupPreviewRequest = z.infer<typeof groupPreviewRequestSchema>;
export const groupPreviewRequestContract = jsonContract<GroupPreviewRequest>('group preview request', groupPreviewRequestSchema);
export const groupPreviewResultSchema = agentCountsSchema.extend({ target: z.string(), heldByActiveRollouts: z.record(z.string(), z.number()) });
export type GroupPreviewResult = z.infer<typeof groupPreviewResultSchema>;

/** The error half of every reply: a stable code, a message for people, machine-readable details. */
export const commandErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) });
export type CommandError = z.infer<typeof commandErrorSchema>;

export type CommandReply<T> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: CommandError };

/** The reply contract for a command whose result has `resultSchema`. */
export function commandReplyContract<T>(name: string, resultSchema: z.ZodType<T>) {
  const schema = z.union([z.object({ ok: z.literal(true), result: resultSchema }), z.object({ ok: z.literal(false), error: commandErrorSchema })]);
  return jsonContract<CommandReply<T>>(name, schema as unknown as z.ZodType<CommandReply<T>>);
}

export const rolloutReplyContract = commandReplyContract('rollout command reply', rolloutSummarySchema);
export const rolloutForecastReplyContract = commandReplyContract('rollout forecast reply', rolloutForecastSchema);
export const configCreateReplyContract = commandReplyContract('config create reply', configCreateResultSchema);
export const configGetReplyContract = commandReplyContract('config get reply', configGetResultSchema);
export const configHistoryReplyContract = commandReplyContract('config history reply', configNameHistorySchema);
export const configDiffReplyContract = commandReplyContract('config diff reply', configDiffResultSchema);
export const groupListReplyContract = commandReplyContract('group list reply', groupListResultSchema);
export const groupPreviewReplyContract = commandReplyContract('group preview reply', groupPreviewResultSchema);
