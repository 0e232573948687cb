import { parseSelector } from '@roost/fleet';
import { readAgentDetail, readFleetSummary, readGroupSummary, type FleetCountsView } from '@roost/views';
import { AdminError, invalidRequest } from '../errors/admin-error';
import { queryAgents } from '../reads/agent-query';
import { operation, type Operation } from './operation';
import type { OperationDeps } from './operation-deps';
import { agentIdSchema, emptySchema, groupNameSchema, listAgentsSchema } from './request-schemas';

export type GroupCounts = FleetCountsView & { readonly group: string };

/** Agents and groups, read from the fleet views. */
export function fleetOperations(deps: OperationDeps): Operation[] {
  return [
    operation({
      name: 'agent.list',
      permission: 'read',
      input: listAgentsSchema,
      run: async (input) => {
        let selector;
        if (input.selector !== undefined) {
          const parsed = parseSelector(input.selector);
          if (!parsed.ok) throw invalidRequest([{ path: 'selector', message: `does not parse: ${parsed.error.message}` }]);
          selector = parsed.selector;
        }
        return queryAgents(deps.views, { selector, group: input.group, connected: input.connected, health: input.health }, { offset: input.offset ?? 0, limit: input.limit ?? 100 });
      },
    }),
    operation({
      name: 'agent.get',
      permission: 'read',
      input: agentIdSchema,
      run: async (input) => {
        const agent = await readAgentDetail(deps.views, input.agentId);
        if (agent === null) throw new AdminError('agent.not_found', `no agent ${input.agentId} has been seen; list agents with GET /api/v1/agents`, { agentId: input.agentId });
        return agent;
      },
    }),
    operation({
      name: 'group.list',
      permission: 'read',
      input: emptySchema,
      run: async () => {
        const summary = await readFleetSummary(deps.views);
        const names = Object.keys(summary.groups).sort();
        const groups = await Promise.all(names.map(async (group): Promise<GroupCounts> => ({ group, ...(await readGroupSummary(deps.views, group)) })));
        return { fleet: summary.fleet, groups };
      },
    }),
    operation({
      name: 'group.get',
      permission: 'read',
      input: groupNameSchema,
      run: async (input): Promise<GroupCounts> => {
        const counts = await readGroupSummary(deps.views, input.group);
        if (counts.agents === 0) throw new AdminError('group.not_found', `no agent reports service.environment=${input.group}; list groups with GET /api/v1/groups`, { group: input.group });
        return { group: input.group, ...counts };
      },
    }),
  ];
}
