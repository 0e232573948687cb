import { groupListReplyContract, groupListRequestContract, groupPreviewReplyContract, groupPreviewRequestContract, subjects } from '@roost/contracts';
import { describeTarget } from '@roost/fleet';
import type { Logger } from '@roost/ports';
import type { FleetView } from '../fleet/fleet-view';
import { listGroups, previewTarget } from '../fleet/group-counts';
import { commandHandler } from './command-reply';
import type { CommandRoute } from './command-server';
import { targetOf } from './target-request';

/** `group.cmd.list` (default groups with counts) and `group.cmd.preview` (what a target matches now). */
export function groupCommandRoutes(view: FleetView, lockedBy: (agentId: string) => string | null, logger: Logger): CommandRoute[] {
  return [
    { subject: subjects.groupCommand('list'), handle: commandHandler(groupListRequestContract, groupListReplyContract, async () => listGroups(view.all()), logger) },
    {
      subject: subjects.groupCommand('preview'),
      handle: commandHandler(groupPreviewRequestContract, groupPreviewReplyContract, async (request) => {
        const target = targetOf(request.target);
        return { target: describeTarget(target), ...previewTarget(target, view.all(), lockedBy) };
      }, logger),
    },
  ];
}
