import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { groupListReplyContract, groupListRequestContract, groupPreviewReplyContract, groupPreviewRequestContract, subjects } from '@roost/contracts';
import { describeTarget } from '@roost/fleet';
import { listGroups, previewTarget } from '../fleet/group-counts';
import { ORCHESTRATOR_COMMAND_DEPS, type OrchestratorCommandDeps } from './command-deps';
import { answerCommand } from './command-reply';
import { targetOf } from './target-request';

/** `group.cmd.list` (default groups with counts) and `group.cmd.preview` (what a target matches now). */
@Controller()
export class GroupCommandsController {
  constructor(@Inject(ORCHESTRATOR_COMMAND_DEPS) private readonly deps: OrchestratorCommandDeps) {}

  @MessagePattern(subjects.groupCommand('list'))
  list(@Payload() data: Uint8Array): Promise<Uint8Array> {
    return answerCommand(data, groupListRequestContract, groupListReplyContract, this.deps.logger, async () => listGroups(this.deps.view.all()));
  }

  @MessagePattern(subjects.groupCommand('preview'))
  preview(@Payload() data: Uint8Array): Promise<Uint8Array> {
    const { view, registry, logger } = this.deps;
    return answerCommand(data, groupPreviewRequestContract, groupPreviewReplyContract, logger, async (request) => {
      const target = targetOf(request.target);
      return { target: describeTarget(target), ...previewTarget(target, view.all(), (agentId) => registry.lockedBy(agentId)) };
    });
  }
}
