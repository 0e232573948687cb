import { parseSelector } from '@roost/fleet';
import { readAgentDetail, readAgentEvents, readFleetSummary, readGroupSummary, type AgentDetailView, type FleetCountsView } from '@roost/views';
import { AdminError, invalidRequest } from '../errors/admin-error';
import { queryAgents } from '../reads/agent-query';
import { readAgentRollouts } from '../reads/agent-rollouts';
import { operation, type Operation } from './operation';
import type { OperationDeps } from './operation-deps';
import { configRefs } from '../reads/config-refs';
import { readEffectiveConfig } from '../reads/effective-config';
import { agentIdSchema, agentRolloutsSchema, effectiveConfigSchema, emptySchema, groupNameSchema, listAgentsSchema } from './request-schemas';

export type GroupCounts = FleetCountsView & { readonly group: string };

async function seenAgent(deps: OperationDeps, agentId: string): Promise<AgentDetailView> {
  const agent = await readAgentDetail(deps.views, agentId);
  if (agent === null) throw new AdminError('agent.not_found', `no agent ${agentId} has been seen; list agents with GET /api/v1/agents`, { agentId });
  return agent;
}

/** Agents and groups, read from the fleet views. */
export function fleetOperations(deps: OperationDeps): Operation[] {
  return [
    operation({
      name: 'agent.list',
      permission: 'read',
      readsViews: true,
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
      readsViews: true,
      input: agentIdSchema,
      run: (input) => seenAgent(deps, input.agentId),
    }),
    operation({
      name: 'agent.effective_config',
      permission: 'read',
      readsViews: true,
      input: effectiveConfigSchema,
      run: async (input) => readEffectiveConfig(deps, await seenAgent(deps, input.agentId), input.against),
    }),
    operation({
      name: 'agent.events',
      permission: 'read',
      readsViews: true,
      input: agentIdSchema,
      run: async (input) => {
        await seenAgent(deps, input.agentId);
        return { agentId: input.agentId, items: await readAgentEvents(deps.views, input.agentId) };
      },
    }),
    operation({
      name: 'agent.rollouts',
      permission: 'read',
      readsViews: true,
      input: agentRolloutsSchema,
      run: async (input) => {
        const page = await readAgentRollouts(deps.views, input.agentId, { offset: input.offset ?? 0, limit: input.limit ?? 50 });
        // An agent the fleet views no longer hold (its events expired) still shows the rollouts it took part in.
        if (page.total === 0) await seenAgent(deps, input.agentId);
        return page;
      },
    }),
    operation({
      name: 'group.list',
      permission: 'read',
      readsViews: true,
      input: emptySchema,
      run: async () => {
        const summary = await readFleetSummary(deps.views);
        const names = Object.keys(summary.groups).sort();
        const groups = await Promise.all(names.map(async (group): Promise<GroupCounts> => ({ group, ...(await readGroupSummary(deps.views, group)) })));
        return { fleet: summary.fleet, groups, refs: await configRefs(await deps.configs(), Object.keys(summary.fleet.configs)) };
      },
    }),
    operation({
      name: 'group.get',
      permission: 'read',
      readsViews: true,
      input: groupNameSchema,
      run: async (input): Promise<GroupCounts & { refs: Record<string, string> }> => {
        const counts = await readGroupSummary(deps.views, input.group);
        if (counts.agents === 0) throw new AdminError('group.not_found', `no agent reports service.environment=${input.group}; list groups with GET /api/v1/groups`, { group: input.group });
        return { group: input.group, ...counts, refs: await configRefs(await deps.configs(), Object.keys(counts.configs)) };
      },
    }),
  ];
}
