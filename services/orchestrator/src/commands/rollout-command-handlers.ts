import {
  rolloutActionRequestContract,
  rolloutReplyContract,
  rolloutStatusRequestContract,
  startRolloutRequestContract,
  subjects,
  type RolloutSummaryReply,
  type StartRolloutRequest,
} from '@roost/contracts';
import type { Logger } from '@roost/ports';
import { summarize, type OperatorAction } from '@roost/rollout';
import type { ConfigStore } from '../configs/config-store';
import type { InputOutcome } from '../rollouts/rollout-runner';
import type { PreparedStart, RolloutRegistry } from '../rollouts/rollout-registry';
import { commandHandler, CommandRefusal } from './command-reply';
import type { CommandRoute } from './command-server';
import { targetOf } from './target-request';

export interface RolloutCommandDeps {
  readonly registry: RolloutRegistry;
  readonly configs: ConfigStore;
  readonly newRolloutId: () => string;
  readonly logger: Logger;
}

const ACTIONS: readonly (readonly ['pause' | 'resume' | 'promote' | 'abort' | 'rollback', OperatorAction['type']])[] = [
  ['pause', 'PauseRollout'],
  ['resume', 'ResumeRollout'],
  ['promote', 'PromoteRollout'],
  ['abort', 'AbortRollout'],
  ['rollback', 'RollbackRollout'],
];

/** `rollout.cmd.<verb>` and `rollout.query.status`, each answered with the rollout's summary. */
export function rolloutCommandRoutes(deps: RolloutCommandDeps): CommandRoute[] {
  const { registry, logger } = deps;
  const start = commandHandler(startRolloutRequestContract, rolloutReplyContract, async (request) => {
    const outcome = await registry.start(await prepareStart(request, deps));
    logger.info({ rolloutId: outcome.ok ? outcome.state.settings.rolloutId : null, actor: request.actor ?? null, ok: outcome.ok }, 'start rollout command');
    return summaryOf(outcome);
  }, logger);
  const actions = ACTIONS.map(([verb, type]): CommandRoute => ({
    subject: subjects.rolloutCommand(verb),
    handle: commandHandler(rolloutActionRequestContract, rolloutReplyContract, async (request) => {
      logger.info({ rolloutId: request.rolloutId, actor: request.actor, verb, reason: request.reason ?? null }, 'rollout command');
      return summaryOf(await registry.act(type, request.rolloutId, request.reason));
    }, logger),
  }));
  const status = commandHandler(rolloutStatusRequestContract, rolloutReplyContract, async (request) => summarize(await registry.state(request.rolloutId)), logger);
  return [{ subject: subjects.rolloutCommand('start'), handle: start }, ...actions, { subject: subjects.rolloutQuery('status'), handle: status }];
}

async function prepareStart(request: StartRolloutRequest, deps: RolloutCommandDeps): Promise<PreparedStart> {
  const target = targetOf(request.target);
  const configHash =
    request.config !== undefined
      ? (await deps.configs.create(request.config.yaml, request.config.name ?? null, request.actor ?? null)).hash
      : await deps.configs.resolve(request.configHash ?? '');
  const baselineConfigHash = request.baselineConfigHash ? await deps.configs.resolve(request.baselineConfigHash) : (request.baselineConfigHash ?? null);
  return {
    rolloutId: request.rolloutId ?? deps.newRolloutId(),
    target,
    configHash,
    baselineConfigHash,
    plan: request.plan,
    threshold: request.threshold,
    minOutcomeRatio: request.minOutcomeRatio,
    policy: request.policy,
    acceptKeepNewOnFailure: request.acceptKeepNewOnFailure,
    stratifyBy: request.stratifyBy,
    timing: request.timing,
    disconnectedPolicy: request.disconnectedPolicy,
  };
}

function summaryOf(outcome: InputOutcome): RolloutSummaryReply {
  if (!outcome.ok) throw new CommandRefusal(outcome.error);
  return summarize(outcome.state);
}
