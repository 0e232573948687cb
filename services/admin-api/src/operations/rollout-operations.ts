import type { RolloutSummaryReply, StartRolloutRequest } from '@roost/contracts';
import { describeSkips, skippedForNoFallback } from '@roost/rollout';
import { readAgentOutcomes, readRolloutStatus, type AgentOutcomeState, type OriginalRolloutStatus, type RolloutStatusView } from '@roost/views';
import { AdminError } from '../errors/admin-error';
import { isTerminal, listRolloutResources, readOriginalStatus, readRolloutResource } from '../reads/rollout-resource';
import { operation, type Operation, type OperationContext } from './operation';
import { settle, type OperationDeps } from './operation-deps';
import type { RolloutAction } from './orchestrator-client';
import { listRolloutsSchema, originalStartSchema, rolloutActionSchema, rolloutAgentsSchema, rolloutIdInputSchema, startRolloutSchema, undoRolloutSchema, type StartRolloutInput } from './request-schemas';

const ACTIONS: readonly RolloutAction[] = ['pause', 'resume', 'promote', 'abort', 'rollback'];

/** The original endpoint's answer: its first three fields as the original had them, then what it left unsaid. */
export interface RolloutStarted {
  readonly status: 'rollout started';
  readonly group: string;
  readonly id: string;
  /** The original design's RolloutStatus of the new rollout. */
  readonly rollout: OriginalRolloutStatus;
  /** Agents of the group left out, by reason (empty when none). */
  readonly skipped: Readonly<Record<string, number>>;
  /** Present when any agent of the group is left out: who and why, and how to include them. */
  readonly warning?: string;
}

/** Rollouts: writes are orchestrator commands; reads come from the rollout views. */
export function rolloutOperations(deps: OperationDeps): Operation[] {
  const start = async (input: StartRolloutInput, context: OperationContext): Promise<RolloutSummaryReply> => {
    const summary = await deps.orchestrator.startRollout(startRequest(input, context));
    await settle(async () => caughtUp(await readRolloutStatus(deps.views, summary.rolloutId), summary), deps.settleMs);
    return summary;
  };
  const actions = ACTIONS.map((verb) =>
    operation({
      name: `rollout.${verb}`,
      permission: 'write',
      input: rolloutActionSchema,
      run: async (input, context) => {
        const summary = await deps.orchestrator.act(verb, { rolloutId: input.rolloutId, reason: input.reason, actor: context.caller.name });
        await settle(async () => caughtUp(await readRolloutStatus(deps.views, input.rolloutId), summary), deps.settleMs);
        return summary;
      },
      subjectOf: (input) => input.rolloutId,
    }),
  );
  return [
    operation({ name: 'rollout.start', permission: 'write', input: startRolloutSchema, run: start, subjectOf: (input, result) => result?.rolloutId ?? input.rolloutId ?? null }),
    operation({
      name: 'rollout.start_original',
      permission: 'write',
      input: originalStartSchema,
      run: async (input, context): Promise<RolloutStarted> => {
        const summary = await start({ target: { group: input.group }, configYaml: input.config, configName: inlineConfigName(input.group) }, context);
        return originalStarted(summary, input.group);
      },
      subjectOf: (_input, result) => result?.id ?? null,
    }),
    operation({
      name: 'rollout.plan',
      permission: 'read',
      input: startRolloutSchema,
      // The same request a start takes, decided by the same functions against the live fleet; nothing is stored.
      run: async (input, context) => deps.orchestrator.planRollout(startRequest(input, context)),
    }),
    ...actions,
    operation({
      name: 'rollout.undo',
      permission: 'write',
      input: undoRolloutSchema,
      run: async (input, context) => {
        const summary = await deps.orchestrator.undoRollout({ rolloutId: input.rolloutId, undoRolloutId: input.undoRolloutId, fast: input.fast, actor: context.caller.name });
        await settle(async () => caughtUp(await readRolloutStatus(deps.views, summary.rolloutId), summary), deps.settleMs);
        return summary;
      },
      // The audit names the rollout undone; the new rollout's id is in the answer.
      subjectOf: (input) => input.rolloutId,
    }),
    operation({ name: 'rollout.list', permission: 'read', readsViews: true, input: listRolloutsSchema, run: (input) => listRolloutResources(deps.views, input) }),
    operation({
      name: 'rollout.status_original',
      permission: 'read',
      input: rolloutIdInputSchema,
      run: async (input) => (await readOriginalStatus(deps.views, input.rolloutId)) ?? notFound(input.rolloutId),
    }),
    operation({
      name: 'rollout.get',
      permission: 'read',
      readsViews: true,
      input: rolloutIdInputSchema,
      run: async (input) => (await readRolloutResource(deps.views, input.rolloutId, { transitions: true })) ?? notFound(input.rolloutId),
    }),
    operation({
      name: 'rollout.agents',
      permission: 'read',
      readsViews: true,
      input: rolloutAgentsSchema,
      run: async (input) => {
        if ((await readRolloutStatus(deps.views, input.rolloutId)) === null) notFound(input.rolloutId);
        const offset = input.offset ?? 0;
        const page = await readAgentOutcomes(deps.views, input.rolloutId, { state: input.state as AgentOutcomeState | undefined, offset, count: input.limit ?? 100 });
        return { total: page.total, offset, items: page.items };
      },
    }),
    operation({
      name: 'rollout.watch',
      permission: 'read',
      readsViews: true,
      input: rolloutIdInputSchema,
      // Only checks the rollout exists (the views may not show a just-started one yet); the transport streams.
      run: async (input) => {
        if ((await readRolloutStatus(deps.views, input.rolloutId)) === null) await deps.orchestrator.rolloutStatus(input.rolloutId);
        return { rolloutId: input.rolloutId };
      },
    }),
  ];
}

/**
 * True once the view shows the rollout at least as far as the command's answer: in the same
 * status, or already past it (a later event, or the end).
 */
function caughtUp(view: RolloutStatusView | null, summary: RolloutSummaryReply): boolean {
  return view !== null && (view.status === summary.status || view.updatedAt > summary.updatedAt || isTerminal(view.status));
}

/** The original endpoint's answer to a start: nothing left unsaid when agents of the group are left out. */
export function originalStarted(summary: RolloutSummaryReply, group: string): RolloutStarted {
  const skipped = summary.skippedBy ?? {};
  const rollout: OriginalRolloutStatus = {
    id: summary.rolloutId,
    group,
    current_phase: summary.phase?.name ?? '',
    started_at: new Date(summary.startedAt).toISOString(),
    updated_agents: summary.applied,
    total_agents: summary.members,
    status: summary.status,
  };
  const started = { status: 'rollout started', group, id: summary.rolloutId, rollout, skipped } as const;
  if (summary.skipped === 0) return started;
  const matched = summary.members + summary.skipped;
  const remedy = skippedForNoFallback(skipped)
    ? ' To include agents with no previous config Roost holds, start the rollout with POST /api/v1/rollouts and baselineConfigHash (what they fall back to on failure) or acceptKeepNewOnFailure (they keep the new config if it fails).'
    : '';
  return { ...started, warning: `${summary.skipped} of ${matched} agents of group ${group} are left out and keep the config they run: ${describeSkips(skipped)}.${remedy}` };
}

/**
 * The name YAML sent inline to the original endpoint is stored under, so `config list` shows
 * it (`inline-production`); each new content becomes its next version.
 */
export function inlineConfigName(group: string): string {
  return `inline-${group.replace(/[^-_A-Za-z0-9]/g, '-')}`.slice(0, 128);
}

export function notFound(rolloutId: string): never {
  throw new AdminError('rollout.not_found', `no rollout ${rolloutId}; list rollouts with GET /api/v1/rollouts`, { rolloutId });
}

/** The orchestrator's start command; it resolves config references where the configs are stored. */
function startRequest(input: StartRolloutInput, context: OperationContext): StartRolloutRequest {
  const target: StartRolloutRequest['target'] = input.target.group !== undefined ? { kind: 'group', group: input.target.group } : { kind: 'selector', selector: input.target.selector ?? '' };
  return {
    target,
    ...(input.configVersion !== undefined ? { configRef: input.configVersion } : { config: { yaml: input.configYaml ?? '', name: input.configName } }),
    ...(input.baselineConfigHash !== undefined ? { baselineConfigRef: input.baselineConfigHash } : {}),
    rolloutId: input.rolloutId,
    plan: input.plan,
    threshold: input.threshold,
    minOutcomeRatio: input.minOutcomeRatio,
    policy: input.policy,
    acceptKeepNewOnFailure: input.acceptKeepNewOnFailure,
    stratifyBy: input.stratifyBy,
    timing: input.timing,
    disconnectedPolicy: input.disconnectedPolicy,
    minCanaryAgents: input.minCanaryAgents,
    missingComponentsPolicy: input.missingComponentsPolicy,
    dataPlane: input.dataPlane,
    actor: context.caller.name,
  };
}
