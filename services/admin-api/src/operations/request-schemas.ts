import { z } from 'zod';
import { configNameSchema, enrolmentScopeSchema, enrolmentTokenIdSchema, enrolmentTokenNameSchema, MAX_ENROLMENT_TTL_MS, phaseSpecSchema, rolloutIdSchema, selectorRequirementSchema } from '@roost/contracts';
import { AGENT_OUTCOME_STATES } from '@roost/views';

/**
 * The input of every operation, whichever transport carried it. HTTP query values arrive as
 * text, so numbers and booleans accept their text form too; gRPC sends them typed. Objects are
 * strict: a misspelt field is refused, not ignored.
 */

const fromText = (parse: (text: string) => unknown) => (value: unknown) => (typeof value === 'string' ? parse(value) : value);
const integerText = fromText((text) => (/^-?\d+$/.test(text) ? Number(text) : text));
const booleanText = fromText((text) => (text === 'true' ? true : text === 'false' ? false : text));

const offset = z.preprocess(integerText, z.number().int().min(0, 'offset is 0 or more')).optional();
const limit = (max: number) => z.preprocess(integerText, z.number().int().min(1, 'limit is at least 1').max(max, `limit is at most ${max}`)).optional();
const configRef = z.string().min(1, 'name a config version: a 64-hex hash, a name, or name@version');
const yaml = z.string().min(1, 'give the collector config as YAML text');

export const ROLLOUT_STATUSES = ['pending', 'in_progress', 'paused', 'completed', 'rolled_back', 'aborted', 'failed'] as const;
export const HEALTH_STATES = ['healthy', 'unhealthy', 'unknown'] as const;

export const emptySchema = z.strictObject({});
export const pageSchema = z.strictObject({ offset, limit: limit(1_000) });

export const createConfigSchema = z.strictObject({ name: configNameSchema, yaml });
export const configRefSchema = z.strictObject({ ref: configRef });
export const configNameInputSchema = z.strictObject({ name: configNameSchema });
export const diffConfigsSchema = z.strictObject({ from: configRef, to: configRef });

export const listAgentsSchema = z.strictObject({
  /** Label selector text, e.g. `service.environment=production,cloud.region in (eu-west-1)`. */
  selector: z.string().min(1).optional(),
  group: z.string().min(1).optional(),
  connected: z.preprocess(booleanText, z.boolean()).optional(),
  health: z.enum(HEALTH_STATES).optional(),
  offset,
  limit: limit(1_000),
});
export const agentIdSchema = z.strictObject({ agentId: z.string().min(1) });
export const agentRolloutsSchema = z.strictObject({ agentId: z.string().min(1), offset, limit: limit(500) });
/** `against`: the config version to diff with (hash, name or name@version); by default the one the agent reported. */
export const effectiveConfigSchema = z.strictObject({ agentId: z.string().min(1), against: configRef.optional() });
export const groupNameSchema = z.strictObject({ group: z.string().min(1) });

const targetSchema = z
  .strictObject({
    group: z.string().min(1, 'a group name is not empty').optional(),
    selector: z.union([z.string().min(1, 'a selector is not empty'), z.strictObject({ requirements: z.array(selectorRequirementSchema) })]).optional(),
  })
  .refine((target) => (target.group === undefined) !== (target.selector === undefined), { message: 'give exactly one of group or selector' });

const dataPlaneGateSchema = z.strictObject({
  metric: z.string().min(1),
  op: z.enum(['<=', '>=', '<', '>']),
  bound: z.union([
    z.strictObject({ kind: z.literal('absolute'), value: z.number() }),
    z.strictObject({ kind: z.literal('control_plus'), offset: z.number() }),
    z.strictObject({ kind: z.literal('control_times'), factor: z.number() }),
  ]),
});
/** `gates`: expressions such as `exporter.failed_ratio <= control+0.01`, or the same as data. */
const dataPlaneSchema = z.strictObject({
  gates: z.array(z.union([z.string().min(1), dataPlaneGateSchema])).min(1, 'name at least one gate'),
  /** Samples an agent needs in the window to count (default 3). */
  minSamplesPerAgent: z.number().int().min(1).optional(),
  /** Agents a cohort needs counted before it is judged, capped by its size (default 1). */
  minAgentsPerCohort: z.number().int().min(1).optional(),
});

export const startRolloutSchema = z
  .strictObject({
    target: targetSchema,
    /** An existing version: hash, name (its latest) or name@version … */
    configVersion: configRef.optional(),
    /** … or YAML stored as a new version first (named configName when given). */
    configYaml: yaml.optional(),
    configName: configNameSchema.optional(),
    rolloutId: rolloutIdSchema.optional(),
    plan: z.array(phaseSpecSchema.strict()).optional(),
    threshold: z.number().optional(),
    minOutcomeRatio: z.number().optional(),
    policy: z.enum(['rollback', 'pause']).optional(),
    /** What agents with no previous remote config fall back to on failure: a hash, or a name / name@version (resolved to its hash). */
    baselineConfigHash: configRef.optional(),
    acceptKeepNewOnFailure: z.boolean().optional(),
    stratifyBy: z.string().min(1).optional(),
    timing: z.strictObject({ applyTimeoutMs: z.number().optional(), disconnectGraceMs: z.number().optional(), healthGraceMs: z.number().optional() }).optional(),
    disconnectedPolicy: z.enum(['fail', 'exclude']).optional(),
    /** No phase targets fewer agents than this (capped by the members); default 1. */
    minCanaryAgents: z.number().int().min(1).optional(),
    /** Agents lacking a component the config uses (from their AvailableComponents): `exclude` (default: skipped as missing_components), `refuse` the start, or `include` them (they would fail). */
    missingComponentsPolicy: z.enum(['exclude', 'refuse', 'include']).optional(),
    /** Data-plane gates judged at the end of each window, canary against control (docs/rollouts.md); default none. */
    dataPlane: dataPlaneSchema.optional(),
  })
  .superRefine((request, context) => {
    if ((request.configVersion === undefined) === (request.configYaml === undefined)) {
      context.addIssue({ code: 'custom', path: ['configVersion'], message: 'give exactly one of configVersion (an existing version) or configYaml (a new one)' });
    }
    if (request.configName !== undefined && request.configYaml === undefined) {
      context.addIssue({ code: 'custom', path: ['configName'], message: 'configName names new YAML; it goes with configYaml' });
    }
  });
export type StartRolloutInput = z.infer<typeof startRolloutSchema>;

/** The original design's `POST /api/rollout`: a group and collector YAML, on the default plan. */
export const originalStartSchema = z.object({
  group: z.string().min(1, 'name the group (the agents\' service.environment)'),
  config: z.string().min(1, 'give the collector config as YAML text'),
});

export const listRolloutsSchema = z
  .strictObject({ status: z.enum(ROLLOUT_STATUSES).optional(), group: z.string().min(1).optional(), offset, limit: limit(500) })
  .refine((query) => query.status === undefined || query.group === undefined, { path: ['status'], message: 'filter by status or by group, not both' });
export const rolloutIdInputSchema = z.strictObject({ rolloutId: rolloutIdSchema });
export const rolloutAgentsSchema = z.strictObject({ rolloutId: rolloutIdSchema, state: z.enum(AGENT_OUTCOME_STATES as [string, ...string[]]).optional(), offset, limit: limit(1_000) });
export const rolloutActionSchema = z.strictObject({ rolloutId: rolloutIdSchema, reason: z.string().max(500).optional() });
export const undoRolloutSchema = z.strictObject({
  rolloutId: rolloutIdSchema,
  undoRolloutId: rolloutIdSchema.optional().describe('the new rollout\'s id (default: one Roost names); a retried undo with the same id is refused, never run twice'),
  fast: z.boolean().optional().describe('one phase of every agent at once with no window, instead of the undone rollout\'s phases; the gate still judges every outcome'),
});
export const listAuditSchema = pageSchema;

const groupScope = enrolmentScopeSchema.options[0].shape.group;
const agentScope = enrolmentScopeSchema.options[1].shape.agentId;

/** A token for one group or one agent: exactly one of `group` and `agentId`. */
export const createEnrolmentTokenSchema = z
  .strictObject({
    name: enrolmentTokenNameSchema.describe('who or what holds the token (a fleet, a host, a pipeline)'),
    group: groupScope.optional().describe('agents whose `service.environment` equals this may connect with the token'),
    agentId: agentScope.optional().describe('only the agent with this instance uid (lowercase UUID text) may connect with the token'),
    ttlMs: z
      .preprocess(integerText, z.number().int().min(60_000, 'a token lives at least a minute (ttlMs >= 60000)').max(MAX_ENROLMENT_TTL_MS, 'a token lives at most ten years'))
      .optional()
      .describe('lifetime from now in milliseconds (default 30 days)'),
  })
  .refine((input) => (input.group === undefined) !== (input.agentId === undefined), { path: ['group'], message: 'give exactly one of group or agentId' });
export const listEnrolmentTokensSchema = z.strictObject({
  issuedFrom: enrolmentTokenIdSchema.optional().describe('the tokens gateways issued to single agents from this one (default: the tokens operators made)'),
  offset,
  limit: limit(1_000),
});
export const enrolmentTokenIdInputSchema = z.strictObject({ id: enrolmentTokenIdSchema });
