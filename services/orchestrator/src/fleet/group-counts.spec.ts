import type { FleetAgent } from '@roost/fleet';
import { listGroups, previewTarget } from './group-counts';

const agent = (agentId: string, environment: string | null, connected = true, capabilities = 0x2): FleetAgent => ({
  agentId,
  connected,
  capabilities,
  identifying: environment === null ? {} : { 'service.environment': environment },
  nonIdentifying: { region: agentId.startsWith('eu') ? 'eu' : 'us' },
});

const fleet = [agent('eu-1', 'prod'), agent('eu-2', 'prod', false), agent('us-1', 'prod', true, 0), agent('us-2', 'staging'), agent('us-3', null)];

describe('groups', () => {
  it('lists default groups by service.environment with counts, ungrouped agents apart', () => {
    expect(listGroups(fleet)).toEqual({
      groups: [
        { group: 'prod', agents: 3, connected: 2, acceptsRemoteConfig: 1 },
        { group: 'staging', agents: 1, connected: 1, acceptsRemoteConfig: 1 },
      ],
      ungrouped: { agents: 1, connected: 1, acceptsRemoteConfig: 1 },
    });
  });

  it('previews a selector target with the agents active rollouts hold', () => {
    const target = { kind: 'selector' as const, selector: { requirements: [{ op: 'equals' as const, key: 'region', value: 'eu' }] } };
    expect(previewTarget(target, fleet, (id) => (id === 'eu-1' ? 'r-1' : null))).toEqual({ agents: 2, connected: 1, acceptsRemoteConfig: 1, heldByActiveRollouts: { 'r-1': 1 } });
  });
});
