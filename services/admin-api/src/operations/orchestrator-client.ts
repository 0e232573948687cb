import {
  configCreateReplyContract,
  configCreateRequestContract,
  configDiffReplyContract,
  configDiffRequestContract,
  configGetReplyContract,
  configGetRequestContract,
  configHistoryReplyContract,
  configHistoryRequestContract,
  enrolmentCreateRequestContract,
  enrolmentIssuedReplyContract,
  enrolmentListReplyContract,
  enrolmentListRequestContract,
  enrolmentRevokeRequestContract,
  enrolmentTokenReplyContract,
  rolloutActionRequestContract,
  rolloutForecastReplyContract,
  rolloutReplyContract,
  rolloutStatusRequestContract,
  startRolloutRequestContract,
  subjects,
  undoRolloutRequestContract,
  type CommandReply,
  type ConfigCreateRequest,
  type ConfigCreateResult,
  type ConfigDiffResult,
  type ConfigGetResult,
  type ConfigNameHistory,
  type EnrolmentCreateRequest,
  type EnrolmentIssued,
  type EnrolmentListRequest,
  type EnrolmentListResult,
  type EnrolmentToken,
  type JsonContract,
  type RolloutActionRequest,
  type RolloutForecastReply,
  type RolloutSummaryReply,
  type StartRolloutRequest,
  type UndoRolloutRequest,
} from '@roost/contracts';
import { PortError, type MessageBus } from '@roost/ports';
import { AdminError } from '../errors/admin-error';

export type RolloutAction = 'pause' | 'resume' | 'promote' | 'abort' | 'rollback';

/**
 * The orchestrator's commands over NATS request/reply, with the contracts of libs/contracts.
 * A refusal becomes an AdminError with the orchestrator's code, message and details as they
 * are; no answer (no leader right now, a failover) becomes `orchestrator.unavailable`.
 */
export class OrchestratorClient {
  constructor(
    private readonly bus: MessageBus,
    private readonly timeoutMs: number,
  ) {}

  startRollout(request: StartRolloutRequest): Promise<RolloutSummaryReply> {
    return this.send(subjects.rolloutCommand('start'), startRolloutRequestContract, request, rolloutReplyContract);
  }

  act(verb: RolloutAction, request: RolloutActionRequest): Promise<RolloutSummaryReply> {
    return this.send(subjects.rolloutCommand(verb), rolloutActionRequestContract, request, rolloutReplyContract);
  }

  undoRollout(request: UndoRolloutRequest): Promise<RolloutSummaryReply> {
    return this.send(subjects.rolloutCommand('undo'), undoRolloutRequestContract, request, rolloutReplyContract);
  }

  /** A dry run of a start (nothing stored). */
  planRollout(request: StartRolloutRequest): Promise<RolloutForecastReply> {
    return this.send(subjects.rolloutQuery('plan'), startRolloutRequestContract, request, rolloutForecastReplyContract);
  }

  rolloutStatus(rolloutId: string): Promise<RolloutSummaryReply> {
    return this.send(subjects.rolloutQuery('status'), rolloutStatusRequestContract, { rolloutId }, rolloutReplyContract);
  }

  createConfig(request: ConfigCreateRequest): Promise<ConfigCreateResult> {
    return this.send(subjects.configCommand('create'), configCreateRequestContract, request, configCreateReplyContract);
  }

  getConfig(ref: string): Promise<ConfigGetResult> {
    return this.send(subjects.configCommand('get'), configGetRequestContract, { ref }, configGetReplyContract);
  }

  configHistory(name: string): Promise<ConfigNameHistory> {
    return this.send(subjects.configCommand('history'), configHistoryRequestContract, { name }, configHistoryReplyContract);
  }

  diffConfigs(from: string, to: string): Promise<ConfigDiffResult> {
    return this.send(subjects.configCommand('diff'), configDiffRequestContract, { from, to }, configDiffReplyContract);
  }

  createEnrolmentToken(request: EnrolmentCreateRequest): Promise<EnrolmentIssued> {
    return this.send(subjects.enrolmentCommand('create'), enrolmentCreateRequestContract, request, enrolmentIssuedReplyContract);
  }

  listEnrolmentTokens(request: EnrolmentListRequest): Promise<EnrolmentListResult> {
    return this.send(subjects.enrolmentCommand('list'), enrolmentListRequestContract, request, enrolmentListReplyContract);
  }

  revokeEnrolmentToken(id: string, actor: string): Promise<EnrolmentToken> {
    return this.send(subjects.enrolmentCommand('revoke'), enrolmentRevokeRequestContract, { id, actor }, enrolmentTokenReplyContract);
  }

  private async send<Request, Result>(subject: string, request: JsonContract<Request>, body: Request, reply: JsonContract<CommandReply<Result>>): Promise<Result> {
    let bytes: Uint8Array;
    try {
      bytes = await this.bus.request(subject, request.encode(body), { timeoutMs: this.timeoutMs });
    } catch (error) {
      if (error instanceof PortError && (error.code === 'no_responders' || error.code === 'timeout' || error.code === 'unavailable')) {
        const why = error.code === 'no_responders' ? 'no orchestrator is leading right now' : 'the orchestrator did not answer in time';
        throw new AdminError('orchestrator.unavailable', `${why}; nothing is known to have changed, retry shortly`, { subject, cause: error.code });
      }
      throw error;
    }
    const decoded = reply.decode(bytes);
    if (!decoded.ok) throw new AdminError(decoded.error.code, decoded.error.message, decoded.error.details);
    return decoded.result;
  }
}
