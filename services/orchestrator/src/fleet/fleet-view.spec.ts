import type { AgentSnapshot, FleetEvent } from '@roost/contracts';
import { FleetView } from './fleet-view';
import { GatewayLiveness } from './gateway-liveness';

const TIMEOUT = 12_000;

function event(agentId: string, gatewayId: string, type: FleetEvent['type'], at: number, overrides: Partial<AgentSnapshot> = {}): FleetEvent {
  return {
    type,
    schemaVersion: 1,
    changes: [type],
    id: `${gatewayId}.${at}`,
    at,
    agentId,
    snapshot: {
      agentId,
      gatewayId,
      transport: 'websocket',
      connected: type !== 'disconnected',
      capabilities: 0x2,
      identifying: { 'service.environment': 'prod' },
      nonIdentifying: {},
      health: null,
      remoteConfigStatus: null,
      effectiveConfigHash: null,
      ...overrides,
    },
  };
}

const presence = (gatewayId: string, startedAt: number) => ({ gatewayId, startedAt, refreshedAt: startedAt, agents: 1 });

describe('fleet view', () => {
  let clock: number;
  let view: FleetView;

  beforeEach(() => {
    clock = 1_000;
    view = new FleetView(new GatewayLiveness(TIMEOUT, () => clock));
  });

  it('keeps the latest snapshot of each agent and knows the gateway holding it', () => {
    view.gateways.refreshed(presence('gw-1', 0));
    view.apply(event('a', 'gw-1', 'connected', 10));
    expect(view.agent('a')).toMatchObject({ agentId: 'a', connected: true, identifying: { 'service.environment': 'prod' } });
    expect(view.gatewayOf('a')).toBe('gw-1');
    view.apply(event('a', 'gw-1', 'disconnected', 20));
    expect(view.agent('a')?.connected).toBe(false);
    expect(view.gatewayOf('a')).toBeNull();
  });

  it('remembers the remote config an agent last applied while it reports FAILED for another', () => {
    const status = (hash: string, state: 'APPLIED' | 'FAILED') => ({ remoteConfigStatus: { hash, status: state, errorMessage: '', reportedAt: 1 } });
    view.apply(event('a', 'gw-1', 'connected', 10, status('a'.repeat(64), 'APPLIED')));
    view.apply(event('a', 'gw-1', 'remote-config-status', 20, status('b'.repeat(64), 'FAILED')));
    expect(view.lastAppliedHash('a')).toBe('a'.repeat(64));
    view.apply(event('a', 'gw-1', 'remote-config-status', 30, status('b'.repeat(64), 'APPLIED')));
    expect(view.lastAppliedHash('a')).toBe('b'.repeat(64));
    view.apply(event('a', 'gw-1', 'remote-config-status', 40, { remoteConfigStatus: { hash: '', status: 'UNSET', errorMessage: '', reportedAt: 1 } }));
    expect(view.lastAppliedHash('a')).toBeNull();
  });

  it('ignores a late disconnect from the gateway an agent already left for a live one', () => {
    view.gateways.refreshed(presence('gw-1', 0));
    view.gateways.refreshed(presence('gw-2', 0));
    view.apply(event('a', 'gw-1', 'connected', 10));
    view.apply(event('a', 'gw-2', 'connected', 20));
    expect(view.apply(event('a', 'gw-1', 'disconnected', 21))).toBe(false);
    expect(view.gatewayOf('a')).toBe('gw-2');
  });

  it('counts agents of a gateway silent past the timeout as disconnected, and again connected when it refreshes', () => {
    view.gateways.refreshed(presence('gw-1', 0));
    view.apply(event('a', 'gw-1', 'connected', 10));
    clock += TIMEOUT;
    expect(view.gateways.sweep()).toEqual([]);
    clock += 1;
    expect(view.gateways.sweep()).toEqual(['gw-1']);
    expect(view.agent('a')?.connected).toBe(false);
    expect(view.gateways.refreshed(presence('gw-1', 0))).toBe(true);
    expect(view.agent('a')?.connected).toBe(true);
  });

  it('does not trust snapshots from before a gateway restarted', () => {
    view.gateways.refreshed(presence('gw-1', 0));
    view.apply(event('a', 'gw-1', 'connected', 10));
    view.gateways.refreshed(presence('gw-1', 500));
    expect(view.agent('a')?.connected).toBe(false);
    view.apply(event('a', 'gw-1', 'connected', 600));
    expect(view.agent('a')?.connected).toBe(true);
  });

  it('gives a gateway met in an event before its presence entry the same grace, then gives up on it', () => {
    view.apply(event('a', 'gw-new', 'connected', clock));
    expect(view.agent('a')?.connected).toBe(true);
    clock += TIMEOUT + 1;
    expect(view.gateways.sweep()).toEqual(['gw-new']);
    expect(view.agentsOf('gw-new')).toEqual(['a']);
    expect(view.agent('a')?.connected).toBe(false);
  });

  it('judges a gateway known only from old replayed events gone at the first sweep', () => {
    view.apply(event('a', 'gw-long-dead', 'connected', clock - 3_600_000));
    expect(view.gateways.sweep()).toEqual(['gw-long-dead']);
    expect(view.agent('a')?.connected).toBe(false);
  });

  it('treats a deleted presence entry as the gateway gone at once', () => {
    view.gateways.refreshed(presence('gw-1', 0));
    view.apply(event('a', 'gw-1', 'connected', 10));
    expect(view.gateways.removed('gw-1')).toBe(true);
    expect(view.agent('a')?.connected).toBe(false);
  });
});
