import { Controller, Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import {
  rolloutActionRequestContract,
  rolloutForecastReplyContract,
  rolloutReplyContract,
  rolloutStatusRequestContract,
  startRolloutRequestContract,
  subjects,
  undoRolloutRequestContract,
  type RolloutForecastReply,
  type RolloutSummaryReply,
  type StartRolloutRequest,
} from '@roost/contracts';
import { collectorYamlOf, componentTypes } from '@roost/config-versions';
import { BusContext } from '@roost/platform-nest';
import { skipCounts, startWarnings, summarize, type DataPlaneSpec, type OperatorAction } from '@roost/rollout';
import type { InputOutcome } from '../rollouts/rollout-runner';
import type { PreparedStart } from '../rollouts/rollout-registry';
import { ORCHESTRATOR_COMMAND_DEPS, type OrchestratorCommandDeps } from './command-deps';
import { answerCommand, CommandRefusal } from './command-reply';
import { targetOf } from './target-request';

type RolloutCommandDeps = Pick<OrchestratorCommandDeps, 'configs' | 'newRolloutId'>;

type ActionVerb = 'pause' | 'resume' | 'promote' | 'abort' | 'rollback';

const ACTIONS: Readonly<Record<ActionVerb, OperatorAction['type']>> = {
  pause: 'PauseRollout',
  resume: 'ResumeRollout',
  promote: 'PromoteRollout',
  abort: 'AbortRollout',
  rollback: 'RollbackRollout',
};

/** Each operator action by the subject it is sent on. */
const ACTION_SUBJECTS = new Map(Object.entries(ACTIONS).map(([verb, type]) => [subjects.rolloutCommand(verb as ActionVerb), { verb, type }]));

/** `rollout.cmd.<verb>` and `rollout.query.status`, each answered with the rollout's summary. */
@Controller()
export class RolloutCommandsController {
  constructor(@Inject(ORCHESTRATOR_COMMAND_DEPS) private readonly deps: OrchestratorCommandDeps) {}

  @MessagePattern(subjects.rolloutCommand('start'))
  start(@Payload() data: Uint8Array): Promise<Uint8Array> {
    const { registry, logger } = this.deps;
    return answerCommand(data, startRolloutRequestContract, rolloutReplyContract, logger, async (request) => {
      // An inline config is stored only once the start is known to be accepted: a refused
      // command changes nothing.
      const inline = request.config;
      const store = inline === undefined ? undefined : async () => void (await this.deps.configs.create(inline.yaml, inline.name ?? null, request.actor ?? null));
      const outcome = await registry.start(await prepareStart(request, this.deps), store);
      logger.info({ rolloutId: outcome.ok ? outcome.state.settings.rolloutId : null, actor: request.actor ?? null, ok: outcome.ok }, 'start rollout command');
      const summary = summaryOf(outcome);
      if (!outcome.ok) return summary;
      const warnings = startWarnings(outcome.state);
      return { ...summary, ...(warnings.length === 0 ? {} : { warnings }), ...(summary.skipped === 0 ? {} : { skippedBy: { ...skipCounts(outcome.state) } }) };
    });
  }

  /** `rollout.cmd.undo`: a new rollout that takes an ended one back, agent by agent; answered with the new rollout's summary. */
  @MessagePattern(subjects.rolloutCommand('undo'))
  undo(@Payload() data: Uint8Array): Promise<Uint8Array> {
    const { registry, logger } = this.deps;
    return answerCommand(data, undoRolloutRequestContract, rolloutReplyContract, logger, async (request) => {
      const rolloutId = request.undoRolloutId ?? this.deps.newRolloutId();
      const outcome = await registry.undo(request.rolloutId, rolloutId, request.fast ?? false);
      logger.info({ rolloutId, undoOf: request.rolloutId, fast: request.fast ?? false, actor: request.actor, ok: outcome.ok }, 'undo rollout command');
      const summary = summaryOf(outcome);
      if (!outcome.ok) return summary;
      return { ...summary, ...(summary.skipped === 0 ? {} : { skippedBy: { ...skipCounts(outcome.state) } }) };
    });
  }

  /** `rollout.cmd.pause`, `resume`, `promote`, `abort` and `rollback`: one operator action each. */
  @MessagePattern([...ACTION_SUBJECTS.keys()])
  act(@Payload() data: Uint8Array, @Ctx() context: BusContext): Promise<Uint8Array> {
    const { registry, logger } = this.deps;
    const { verb, type } = ACTION_SUBJECTS.get(context.subject) as { verb: string; type: OperatorAction['type'] };
    return answerCommand(data, rolloutActionRequestContract, rolloutReplyContract, logger, async (request) => {
      logger.info({ rolloutId: request.rolloutId, actor: request.actor, verb, reason: request.reason ?? null }, 'rollout command');
      return summaryOf(await registry.act(type, request.rolloutId, request.reason, request.actor));
    });
  }

  /** A dry run of a start: decided by the same functions against the fleet as it is now, nothing stored. */
  @MessagePattern(subjects.rolloutQuery('plan'))
  plan(@Payload() data: Uint8Array): Promise<Uint8Array> {
    const { registry, logger } = this.deps;
    return answerCommand(data, startRolloutRequestContract, rolloutForecastReplyContract, logger, async (request) => {
      const forecast = registry.forecast(await prepareStart(request, this.deps));
      if (!forecast.ok) throw new CommandRefusal({ code: forecast.error.code, message: forecast.error.message, details: { ...forecast.error.details } });
      // The same plain data; the reply's type is the contract's mutable view of it.
      return forecast.forecast as RolloutForecastReply;
    });
  }

  @MessagePattern(subjects.rolloutQuery('status'))
  status(@Payload() data: Uint8Array): Promise<Uint8Array> {
    return answerCommand(data, rolloutStatusRequestContract, rolloutReplyContract, this.deps.logger, async (request) => summarize(await this.deps.registry.state(request.rolloutId)));
  }
}

async function prepareStart(request: StartRolloutRequest, deps: RolloutCommandDeps): Promise<PreparedStart> {
  const target = targetOf(request.target);
  const configHash = request.config !== undefined ? deps.configs.hashOf(request.config.yaml) : await deps.configs.resolve(request.configRef ?? request.configHash ?? '');
  const stored = request.config !== undefined ? null : await deps.configs.get(configHash);
  const yaml = request.config?.yaml ?? (stored === null ? null : collectorYamlOf(stored));
  const baseline = request.baselineConfigRef ?? request.baselineConfigHash;
  const baselineConfigHash = baseline ? await deps.configs.resolve(baseline) : (baseline ?? null);
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
    minCanaryAgents: request.minCanaryAgents,
    requiredComponents: yaml === null ? [] : componentTypes(yaml),
    missingComponentsPolicy: request.missingComponentsPolicy,
    dataPlane: request.dataPlane as DataPlaneSpec | undefined,
  };
}

function summaryOf(outcome: InputOutcome): RolloutSummaryReply {
  if (!outcome.ok) throw new CommandRefusal(outcome.error);
  return summarize(outcome.state);
}
