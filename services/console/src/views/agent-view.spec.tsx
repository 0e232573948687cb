/**
 * @jest-environment jsdom
 */
import { cleanup, render, screen, within } from '@testing-library/preact';
import { agent, failedAgent, groups, HASH_V1, HASH_V2, rollout } from '../testing/fixtures';
import { AgentPage, type AgentData } from './agent-view';

afterEach(cleanup);

const data = (over: Partial<AgentData> = {}): AgentData => ({
  agent: agent('agent-1', { health: { healthy: false, lastError: 'exporter down', status: 'StatusRecoverableError', reportedAt: 2_000, componentErrors: ['exporter/otlp: connection refused'] }, healthState: 'unhealthy' }),
  groups: groups(),
  effective: {
    agentId: 'agent-1',
    hash: HASH_V1,
    reportedAt: 2_000,
    gatewayId: 'gw-1',
    yaml: 'receivers:\n  otlp: {}\n',
    files: [],
    omitted: null,
    against: { hash: HASH_V2, ref: 'shop-edge@2', source: 'desired', stored: true },
    diff: { from: 'effective', to: 'shop-edge@2', added: 1, removed: 0, unified: '@@ -1 +1,2 @@\n receivers:\n+  filelog: {}\n', components: { added: ['receivers/filelog'], removed: [], changed: [] } },
  },
  events: {
    agentId: 'agent-1',
    items: [{ n: 2, id: 'gw-1.1.2', type: 'remote-config-status', changes: ['remote-config-status'], at: 2_000, gatewayId: 'gw-1', remoteConfigStatus: { status: 'FAILED', hash: HASH_V2, errorMessage: 'unknown receiver x' } }],
  },
  rollouts: { total: 1, offset: 0, items: [{ rollout: rollout({ status: 'rolled_back' }), outcome: { ...failedAgent('agent-1', 'unknown receiver x') } }] },
  ...over,
});

describe("an agent's page", () => {
  it('shows its health with the failing components, what it runs and what it reported, by config name', () => {
    render(<AgentPage {...data()} />);
    const facts = screen.getByTestId('agent-facts').textContent;
    expect(facts).toContain('healthunhealthy — exporter down');
    expect(facts).toContain('failing componentsexporter/otlp: connection refused');
    expect(facts).toContain('runsshop-edge@1');
    expect(facts).toContain('remote configAPPLIED shop-edge@1');
    expect(facts).toContain('desirednone set');
    expect(screen.getByTestId('capabilities').textContent).toBe('ReportsStatus, AcceptsRemoteConfig');
  });

  it('shows the effective config and its difference from the remote config, its events in words and its rollouts with its outcome', () => {
    render(<AgentPage {...data()} />);
    expect(screen.getByTestId('effective-config').textContent).toBe('receivers:\n  otlp: {}\n');
    expect(screen.getByRole('heading', { name: 'Difference from shop-edge@2 (desired)' })).not.toBeNull();
    expect(screen.getByTestId('effective-diff').querySelector('.diff-add')?.textContent).toBe('+  filelog: {}\n');
    expect(within(screen.getByTestId('agent-events')).getByTestId('agent-event').textContent).toContain('remote config FAILED shop-edge@2 — unknown receiver x');
    const row = screen.getByTestId('agent-rollout');
    expect(within(row).getByRole('link').getAttribute('href')).toBe('#/rollouts/r-1');
    expect(within(row).getByTestId('agent-outcome').textContent).toBe('failed — unknown receiver x');
  });

  it('says what it has not reported', () => {
    render(<AgentPage {...data({ effective: null, events: { agentId: 'agent-1', items: [] }, rollouts: { total: 0, offset: 0, items: [] } })} />);
    expect(screen.getByTestId('effective-config').textContent).toBe('This agent has reported no effective config.');
    expect(screen.getByTestId('agent-events').textContent).toBe('No event recorded for this agent.');
    expect(screen.getByTestId('agent-rollouts').textContent).toBe('This agent has taken part in no rollout.');
  });
});
