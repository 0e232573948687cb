import { selectorRequirementSchema } from '@roost/contracts';
import { z } from 'zod';
import { FAILURE_REASONS, SKIP_REASONS } from './agent-record';
import { DATA_PLANE_METRICS, DATA_PLANE_OPERATORS } from './data-plane-gates';
import { ROLLOUT_EVENT_SCHEMA_VERSION, type RolloutEvent, type RolloutEventType } from './rollout-events';

/**
 * The wire schema of every rollout event, one entry per type: the single list of rollout event
 * types (ROLLOUT_EVENT_TYPES is its keys), what the decoder checks each body against and what
 * the published JSON Schemas (docs/events/schemas) are generated from. The TypeScript
 * interfaces in rollout-events.ts are the domain's view; the compiler proves below that each
 * schema describes exactly its interface, so neither can drift from the other.
 */
const text = (description: string) => z.string().meta({ description });
const count = (description: string) => z.number().int().nonnegative().meta({ description });
const millis = (description: string) => z.number().meta({ description });
const hash = (description: string) => z.string().meta({ description });
const nullableText = (description: string) => z.string().nullable().meta({ description });

const skipReason = z.enum(SKIP_REASONS);
const failureReason = z.enum(FAILURE_REASONS);
const agentId = text('the agent instance uid, canonical text (UUID)');

const envelope = <T extends RolloutEventType>(type: T) => ({
  type: z.literal(type),
  schemaVersion: z.literal(ROLLOUT_EVENT_SCHEMA_VERSION),
  id: text('`<rolloutId>/<n>`: the 1-based position in the rollout history; also the JetStream message id'),
  rolloutId: text('1-128 of [-_A-Za-z0-9], also the last token of the subject'),
  at: millis('when the orchestrator decided it (ms since the epoch)'),
});
const event = <T extends RolloutEventType, S extends z.ZodRawShape>(type: T, description: string, shape: S) =>
  z.object({ ...envelope(type), ...shape }).meta({ title: type, description });

const target = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('group'), group: text('agents whose `service.environment` is this') }),
  z.object({ kind: z.literal('selector'), selector: z.object({ requirements: z.array(selectorRequirementSchema) }) }),
]);
const phase = z.object({
  name: z.string(),
  size: z.discriminatedUnion('kind', [z.object({ kind: z.literal('percent'), percent: z.number() }), z.object({ kind: z.literal('count'), count: z.number() })]),
  windowMs: millis('observation window; 0 passes as soon as the outcomes are in'),
  requireApproval: z.boolean(),
});
const dataPlaneGate = z.object({
  metric: z.enum(DATA_PLANE_METRICS),
  op: z.enum(DATA_PLANE_OPERATORS),
  bound: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('absolute'), value: z.number() }),
    z.object({ kind: z.literal('control_plus'), offset: z.number() }),
    z.object({ kind: z.literal('control_times'), factor: z.number() }),
  ]),
});
const dataPlaneSettings = z
  .object({
    gates: z.array(dataPlaneGate),
    minSamplesPerAgent: count('samples an agent needs in the window to count'),
    minAgentsPerCohort: count('agents a cohort needs counted before it is judged (capped by its size)'),
  })
  .optional()
  .meta({ description: 'data-plane gates judged at the end of each window, canary against control (docs/rollouts.md, "Data-plane gates"); absent: none' });
const settings = z.object({
  rolloutId: z.string(),
  target,
  configHash: hash('the config version rolled out (64 lowercase hex)'),
  plan: z.array(phase),
  threshold: z.number().meta({ description: 'failure ratio a phase tolerates, in [0, 1]' }),
  minOutcomeRatio: z.number().meta({ description: 'share of a phase that must have an outcome before its gate is judged, in (0, 1]' }),
  policy: z.enum(['rollback', 'pause']),
  baselineConfigHash: hash('fallback config for agents without a previous one').nullable(),
  acceptKeepNewOnFailure: z.boolean(),
  stratifyBy: nullableText('attribute the cohorts are stratified by'),
  timing: z.object({ applyTimeoutMs: z.number(), disconnectGraceMs: z.number(), healthGraceMs: z.number() }),
  disconnectedPolicy: z.enum(['fail', 'exclude']),
  minCanaryAgents: z.number().int().min(2).optional().meta({ description: 'no phase targets fewer agents than this (capped by the members); absent: 1' }),
  components: z
    .object({ required: z.array(z.string()), policy: z.enum(['exclude', 'refuse']) })
    .optional()
    .meta({ description: 'the component types (`receivers/otlp`) the config defines, which members must have reported among their AvailableComponents, and what lacking one means; absent: not checked' }),
  dataPlane: dataPlaneSettings,
});
const enrolledAgent = z.object({
  agentId,
  stratum: z.string().nullable(),
  previousConfigHash: hash('the config it ran before, null when none').nullable(),
  reportsRemoteConfig: z.boolean(),
  reportsHealth: z.boolean(),
  configHash: hash('the config this agent goes to when it is not the rollout config (an undo: the config it ran before the undone rollout)').optional(),
});
const gateFigures = {
  population: count('members the gate judges'),
  applied: count('members that applied the config'),
  failed: count('members that failed'),
  pending: count('members without an outcome yet'),
  disconnected: count('members disconnected now'),
  allowedFailures: count('failures the threshold tolerates'),
};
const phaseIndex = count('0-based phase index');
const cohortSummary = (cohort: string) =>
  z
    .object({
      agents: count(`agents in the ${cohort} cohort`),
      reporting: count('of those, agents with enough samples in the window (the ones counted)'),
      withoutOwnMetrics: count('agents that do not report their own metrics (judged by the other gates only)'),
    })
    .meta({ description: `the ${cohort} cohort` });
const figure = (description: string) => z.number().nullable().meta({ description });
const dataPlaneJudgement = z
  .object({
    windowStart: millis('start of the window compared (the phase start; a canary counts from its apply when later)'),
    canary: cohortSummary('canary (targeted agents judged applied)'),
    control: cohortSummary('control (members not targeted yet, still on their previous config)'),
    gates: z.array(
      z.object({
        gate: text('the gate as text, e.g. `exporter.failed_ratio <= control+0.01`'),
        metric: z.enum(DATA_PLANE_METRICS),
        canary: figure("the canary cohort's figure; null when it had none"),
        control: figure("the control cohort's figure; null when it had none"),
        threshold: figure('what the canary figure was compared with; null when not judged'),
        outcome: z.enum(['pass', 'fail', 'not_judged', 'waiting']),
        note: z.string().optional().meta({ description: 'why it failed, why it was not judged, or that the control was as bad' }),
      }),
    ),
    notes: z.array(z.string()).meta({ description: 'what the judgement left out (agents without own metrics)' }),
    waiting: z.string().optional().meta({ description: 'set while the gates wait for figures: why, with how many agents report' }),
  })
  .optional()
  .meta({ description: 'the data-plane gates as judged (rollouts with data-plane gates)' });
const agents = <S extends z.ZodRawShape>(shape: S) => z.array(z.object(shape)).meta({ description: `up to 500 agents` });

export const ROLLOUT_EVENT_SCHEMAS = {
  RolloutStarted: event('RolloutStarted', 'A rollout began: everything fixed for it, and who matched its target.', {
    settings,
    matched: count('agents of the fleet that matched the target'),
    eligible: count('matched agents that take part (they follow in AgentsEnrolled)'),
    skipped: z.partialRecord(skipReason, z.number()).meta({ description: 'skip reason → agents' }),
  }),
  UndoStarted: event(
    'UndoStarted',
    'The rollout just started is an undo: each member goes back to its own config from before the undone rollout (the `configHash` of its enrolled record; the settings\' configHash is the one most go back to). Follows RolloutStarted.',
    { undoOf: text('the rollout it undoes') },
  ),
  AgentsEnrolled: event('AgentsEnrolled', 'Members recorded at the start.', { agents: z.array(enrolledAgent).meta({ description: 'up to 500 agents' }) }),
  AgentSkipped: event('AgentSkipped', 'An agent matching the target does not take part.', {
    agentId,
    reason: skipReason,
    lockedBy: nullableText('the rollout holding it, for locked_by_other_rollout'),
  }),
  AgentJoined: event('AgentJoined', 'An agent that matched the target after the start is now a member.', { agent: enrolledAgent }),
  PhaseStarted: event('PhaseStarted', 'A phase began.', {
    phase: phaseIndex,
    name: z.string(),
    allowance: count('agents the phase may have targeted in total (cumulative)'),
    windowMs: millis('the phase window'),
    requireApproval: z.boolean(),
  }),
  AgentsTargeted: event('AgentsTargeted', 'Agents that get the rollout config now, in cohort order.', {
    phase: phaseIndex,
    configHash: hash('the rollout config'),
    late: z.boolean().meta({ description: 'targeted after their phase started' }),
    agents: agents({ agentId, previousConfigHash: hash('what a rollback sends it back to').nullable() }),
  }),
  AgentConfigReceived: event('AgentConfigReceived', 'The agent reported APPLYING for the new config.', { agentId }),
  AgentConfigApplied: event('AgentConfigApplied', 'The agent runs the new config.', {
    agentId,
    configHash: hash('the config it applied'),
    via: z.enum(['remote_config_status', 'effective_config']),
  }),
  AgentConfigFailed: event('AgentConfigFailed', 'A targeted agent counts as failed.', {
    agentId,
    reason: failureReason,
    detail: text('the most specific error the agent reported (a component\'s, else its remote config status message, else its health error), or why it counts as failed'),
    details: z.array(z.string()).optional().meta({ description: 'every distinct error the agent reported, most specific first' }),
  }),
  AgentHealthChanged: event('AgentHealthChanged', 'A targeted agent reported a change of health.', {
    agentId,
    healthy: z.boolean(),
    lastError: z.string(),
    componentErrors: z.array(z.string()).optional().meta({ description: 'unhealthy components\' errors (`path: error`), deepest first' }),
    observedAt: millis('when the gateway received the report (ms since the epoch)'),
  }),
  AgentConnectionLost: event('AgentConnectionLost', 'A member disconnected.', { agentId }),
  AgentConnectionRestored: event('AgentConnectionRestored', 'A member reconnected.', { agentId }),
  AgentExcluded: event('AgentExcluded', 'A member no longer counts at all.', { agentId, reason: z.enum(['disconnected', 'left_target']) }),
  PhaseWaitingForData: event('PhaseWaitingForData', 'The window is over and the apply and health gates would pass, but the data-plane gates wait for enough figures (recorded when the reason changes).', {
    phase: phaseIndex,
    ...gateFigures,
    dataPlane: dataPlaneJudgement.unwrap(),
  }),
  PhaseAwaitingApproval: event('PhaseAwaitingApproval', 'The gate is met; the phase waits for an operator to promote it.', { phase: phaseIndex, ...gateFigures, dataPlane: dataPlaneJudgement }),
  PhasePassed: event('PhasePassed', 'A phase passed its gate or was promoted.', { phase: phaseIndex, ...gateFigures, by: z.enum(['gate', 'promote']), dataPlane: dataPlaneJudgement }),
  PhaseFailed: event('PhaseFailed', 'A phase failed its gate.', {
    phase: phaseIndex,
    ...gateFigures,
    reasons: z.partialRecord(failureReason, z.number()).meta({ description: 'failure reason → agents' }),
    dataPlane: dataPlaneJudgement,
  }),
  RolloutPaused: event('RolloutPaused', 'The rollout paused.', {
    cause: z.enum(['operator', 'phase_failed']),
    reason: nullableText('the operator text'),
    actor: nullableText('who paused it (null for a failed phase)').optional(),
  }),
  RolloutResumed: event('RolloutResumed', 'An operator resumed the rollout; the current phase\'s window, suspended while paused, ends pausedMs later.', {
    reason: nullableText('the operator text'),
    phase: phaseIndex.optional(),
    pausedMs: z.number().min(0).optional().meta({ description: 'how long this pause suspended the window (ms)' }),
    windowEndsAt: z.number().optional().meta({ description: 'when the current phase\'s window now ends (ms since the epoch)' }),
  }),
  RolloutPromoted: event('RolloutPromoted', 'An operator promoted a phase.', { phase: phaseIndex, reason: nullableText('the operator text') }),
  AgentsReverted: event('AgentsReverted', 'Agents a rollback sends back.', {
    agents: agents({ agentId, configHash: hash('the config it goes back to; for kept_new, the rollout config it keeps'), source: z.enum(['previous', 'baseline', 'kept_new']) }),
  }),
  AgentRevertApplied: event('AgentRevertApplied', 'The agent reported APPLIED for the config a rollback sent it back to.', { agentId, configHash: hash('the config it went back to') }),
  AgentRevertFailed: event('AgentRevertFailed', 'The agent reported FAILED for the config a rollback sent it back to.', {
    agentId,
    configHash: hash('the config it was sent back to'),
    detail: text('the agent error'),
  }),
  AgentsReleased: event('AgentsReleased', 'Targeted agents never judged applied when the rollout finished: their desired config goes back to what they run.', {
    agents: agents({ agentId, configHash: hash('the config it runs now; null: no remote config').nullable() }),
  }),
  RolloutCompleted: event('RolloutCompleted', 'Terminal: every phase passed.', { applied: count('members that applied'), failed: count('members that failed'), excluded: count('members excluded') }),
  RolloutRolledBack: event('RolloutRolledBack', 'Terminal: the rollout was rolled back.', {
    cause: z.enum(['phase_failed', 'operator']),
    reason: nullableText('the operator text'),
    reverted: count('agents sent back'),
    keptNew: count('agents that keep the new config'),
  }),
  RolloutAborted: event('RolloutAborted', 'Terminal: an operator aborted the rollout; agents keep what they run.', { reason: nullableText('the operator text') }),
  RolloutFailed: event('RolloutFailed', 'Terminal: the rollout cannot go on.', { reason: z.literal('no_agents_left'), detail: z.string() }),
} as const satisfies { readonly [K in RolloutEventType]: z.ZodType };

/** Every rollout event type, in the order of the schemas above (the one list of them). */
export const ROLLOUT_EVENT_TYPES = Object.keys(ROLLOUT_EVENT_SCHEMAS) as readonly RolloutEventType[];

type Writable<T> = T extends readonly (infer U)[] ? Writable<U>[] : T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Event types whose schema and interface differ (never, or the build fails naming them). */
type Drifted = {
  [K in RolloutEventType]: Same<Writable<Extract<RolloutEvent, { type: K }>>, Writable<z.output<(typeof ROLLOUT_EVENT_SCHEMAS)[K]>>> extends true ? never : K;
}[RolloutEventType];
const schemasMatchInterfaces: [Drifted] extends [never] ? true : { drifted: Drifted } = true;
void schemasMatchInterfaces;
