import type { RolloutSummaryReply, StartRolloutRequest } from '@roost/contracts';
import { readAgentOutcomes, readRolloutStatus, type AgentOutcomeState, type RolloutStatusView } from '@roost/views';
import { AdminError } from '../errors/admin-error';
import { isTerminal, listRolloutResources, readRolloutResource } from '../reads/rollout-resource';
import { operation, type Operation, type OperationContext } from './operation';
import { settle, type OperationDeps } from './operation-deps';
import type { RolloutAction } from './orchestrator-client';
import { listRolloutsSchema, originalStartSchema, rolloutActionSchema, rolloutAgentsSchema, rolloutIdInputSchema, startRolloutSchema, type StartRolloutInput } from './request-schemas';

const HASH = /^[0-9a-f]{64}$/;
const ACTIONS: readonly RolloutAction[] = ['pause', 'resume', 'promote', 'abort', 'rollback'];

/** The original endpoint's answer. */
export interface RolloutStarted {
  readonly status: 'rollout started';
  readonly group: string;
  readonly id: string;
}

/** Rollouts: writes are orchestrator commands; reads come from the rollout views. */
export function rolloutOperations(deps: OperationDeps): Operation[] {
  const start = async (input: StartRolloutInput, context: OperationContext): Promise<RolloutSummaryReply> => {
    const summary = await deps.orchestrator.startRollout(await startRequest(input, context, deps));
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
        const summary = await start({ target: { group: input.group }, configYaml: input.config }, context);
        return { status: 'rollout started', group: input.group, id: summary.rolloutId };
      },
      subjectOf: (_input, result) => result?.id ?? null,
    }),
    ...actions,
    operation({ name: 'rollout.list', permission: 'read', input: listRolloutsSchema, run: (input) => listRolloutResources(deps.views, input) }),
    operation({
      name: 'rollout.get',
      permission: 'read',
      input: rolloutIdInputSchema,
      run: async (input) => (await readRolloutResource(deps.views, input.rolloutId, { transitions: true })) ?? notFound(input.rolloutId),
    }),
    operation({
      name: 'rollout.agents',
      permission: 'read',
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

export function notFound(rolloutId: string): never {
  throw new AdminError('rollout.not_found', `no rollout ${rolloutId}; list rollouts with GET /api/v1/rollouts`, { rolloutId });
}

/** The orchestrator's start command; config references other than hashes are resolved first. */
async function startRequest(input: StartRolloutInput, context: OperationContext, deps: OperationDeps): Promise<StartRolloutRequest> {
  const hashOf = async (ref: string): Promise<string> => (HASH.test(ref) ? ref : (await deps.orchestrator.getConfig(ref)).hash);
  const target: StartRolloutRequest['target'] = input.target.group !== undefined ? { kind: 'group', group: input.target.group } : { kind: 'selector', selector: input.target.selector ?? '' };
  return {
    target,
    ...(input.configVersion !== undefined ? { configHash: await hashOf(input.configVersion) } : { config: { yaml: input.configYaml ?? '', name: input.configName } }),
    ...(input.baselineConfigHash !== undefined ? { baselineConfigHash: await hashOf(input.baselineConfigHash) } : {}),
    rolloutId: input.rolloutId,
    plan: input.plan,
    threshold: input.threshold,
    minOutcomeRatio: input.minOutcomeRatio,
    policy: input.policy,
    acceptKeepNewOnFailure: input.acceptKeepNewOnFailure,
    stratifyBy: input.stratifyBy,
    timing: input.timing,
    disconnectedPolicy: input.disconnectedPolicy,
    actor: context.caller.name,
  };
}
