import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  enrolmentCreateRequestContract,
  enrolmentIssuedReplyContract,
  enrolmentIssueRequestContract,
  enrolmentListReplyContract,
  enrolmentListRequestContract,
  enrolmentRevokeRequestContract,
  enrolmentTokenReplyContract,
  subjects,
} from '@roost/contracts';
import { ORCHESTRATOR_COMMAND_DEPS, type OrchestratorCommandDeps } from './command-deps';
import { answerCommand } from './command-reply';

/** `enrolment.cmd.<verb>`: agent enrolment tokens made (the secret in this answer only), listed, revoked, and issued to one agent for a gateway. */
@Controller()
export class EnrolmentCommandsController {
  constructor(@Inject(ORCHESTRATOR_COMMAND_DEPS) private readonly deps: OrchestratorCommandDeps) {}

  @MessagePattern(subjects.enrolmentCommand('create'))
  create(@Payload() data: Uint8Array): Promise<Uint8Array> {
    const { enrolment, logger } = this.deps;
    return answerCommand(data, enrolmentCreateRequestContract, enrolmentIssuedReplyContract, logger, async (request) => {
      const issued = await enrolment.create(request);
      const { id, name, scope, expiresAt } = issued.token;
      logger.info({ id, name, scope, expiresAt, actor: request.actor }, 'enrolment token created');
      return issued;
    });
  }

  @MessagePattern(subjects.enrolmentCommand('list'))
  list(@Payload() data: Uint8Array): Promise<Uint8Array> {
    return answerCommand(data, enrolmentListRequestContract, enrolmentListReplyContract, this.deps.logger, (request) => this.deps.enrolment.list(request));
  }

  @MessagePattern(subjects.enrolmentCommand('revoke'))
  revoke(@Payload() data: Uint8Array): Promise<Uint8Array> {
    const { enrolment, logger } = this.deps;
    return answerCommand(data, enrolmentRevokeRequestContract, enrolmentTokenReplyContract, logger, async (request) => {
      const token = await enrolment.revoke(request.id, request.actor);
      logger.info({ id: token.id, name: token.name, revokedAt: token.revokedAt, actor: request.actor }, 'enrolment token revoked');
      return token;
    });
  }

  @MessagePattern(subjects.enrolmentCommand('issue'))
  issue(@Payload() data: Uint8Array): Promise<Uint8Array> {
    const { enrolment, logger } = this.deps;
    return answerCommand(data, enrolmentIssueRequestContract, enrolmentIssuedReplyContract, logger, async (request) => {
      const issued = await enrolment.issue(request);
      logger.info({ id: issued.token.id, issuedFrom: issued.token.issuedFrom, agentId: request.agentId, gatewayId: request.gatewayId }, 'enrolment token issued to an agent');
      return issued;
    });
  }
}
