import type { AgentSnapshot, FleetEvent } from '@roost/contracts';
import type { FleetAgent } from '@roost/fleet';
import { observationsOf, previousConfigHash, reconcileObservations, runningConfigHash, unknownConfigHash } from './fleet-observations';

const H = 'a'.repeat(64);
const snapshot: AgentSnapshot = {
  agentId: 'a',
  gatewayId: 'gw',
  transport: 'websocket',
  connected: true,
  capabilities: 0x1802,
  identifying: {},
  nonIdentifying: {},
  health: { healthy: true, lastError: '', status: 'ok', reportedAt: 50 },
  remoteConfigStatus: { hash: H, status: 'APPLIED', errorMessage: '', reportedAt: 50 },
  effectiveConfigHash: null,
};
const agent: FleetAgent = { agentId: 'a', connected: true, capabilities: 0x1802, identifying: {}, nonIdentifying: {} };
const context = { previousConfigHash: H, lockedBy: null, now: 100 };
const event = (...changes: [FleetEvent['type'], ...FleetEvent['type'][]]): FleetEvent => ({ type: changes[0], schemaVersion: 1, id: 'e', at: 50, agentId: 'a', changes, snapshot });

describe('fleet observations', () => {
  it('reports a connection with everything its snapshot holds', () => {
    expect(observationsOf(event('connected'), agent, context).map((o) => o.type)).toEqual(['AgentConnected', 'RemoteConfigStatusReported', 'HealthReported']);
  });

  it('reports the health of every snapshot with the time it was reported, since the gateway republishes health only on change', () => {
    const observations = observationsOf(event('remote-config-status'), agent, context);
    expect(observations).toEqual([
      { type: 'RemoteConfigStatusReported', agentId: 'a', hash: H, status: 'APPLIED', errorMessage: '', healthError: '', componentErrors: [], healthObservedAt: 50, now: 100 },
      { type: 'HealthReported', agentId: 'a', healthy: true, lastError: '', componentErrors: [], observedAt: 50, now: 100 },
    ]);
  });

  it('describes, rather than connects, an agent whose gateway is gone', () => {
    expect(observationsOf(event('connected'), { ...agent, connected: false }, context)[0]).toMatchObject({ type: 'AgentDescribed', agent: { connected: false } });
  });

  it('maps a disconnect to a disconnect only', () => {
    expect(observationsOf(event('disconnected'), agent, context)).toEqual([{ type: 'AgentDisconnected', agentId: 'a', now: 100 }]);
  });

  it('reports what a goodbye message also reported before the disconnect', () => {
    const failed = { ...snapshot, remoteConfigStatus: { hash: H, status: 'FAILED' as const, errorMessage: 'bad pipeline', reportedAt: 50 } };
    const goodbye: FleetEvent = { ...event('disconnected', 'remote-config-status'), snapshot: failed };
    expect(observationsOf(goodbye, agent, context)).toEqual([
      { type: 'RemoteConfigStatusReported', agentId: 'a', hash: H, status: 'FAILED', errorMessage: 'bad pipeline', healthError: '', componentErrors: [], healthObservedAt: 50, now: 100 },
      { type: 'HealthReported', agentId: 'a', healthy: true, lastError: '', componentErrors: [], observedAt: 50, now: 100 },
      { type: 'AgentDisconnected', agentId: 'a', now: 100 },
    ]);
  });

  it('describes an agent whose description changed along with its status, once', () => {
    expect(observationsOf(event('description', 'health', 'effective-config'), agent, context).map((o) => o.type)).toEqual([
      'AgentDescribed',
      'RemoteConfigStatusReported',
      'HealthReported',
    ]);
  });

  it('reconciles an agent the view lost as disconnected', () => {
    expect(reconcileObservations('gone', undefined, undefined, context)).toEqual([{ type: 'AgentDisconnected', agentId: 'gone', now: 100 }]);
  });

  it('takes as previous config only an APPLIED hash that Roost holds', () => {
    expect(previousConfigHash(snapshot, () => true)).toBe(H);
    expect(previousConfigHash(snapshot, () => false)).toBeNull();
    expect(previousConfigHash({ ...snapshot, remoteConfigStatus: { hash: H, status: 'FAILED', errorMessage: 'x', reportedAt: 1 } }, () => true)).toBeNull();
    expect(previousConfigHash({ ...snapshot, remoteConfigStatus: null }, () => true)).toBeNull();
  });

  it('takes the config an agent last applied as its previous one while its latest report is FAILED for another', () => {
    const failedNew = { ...snapshot, remoteConfigStatus: { hash: 'f'.repeat(64), status: 'FAILED' as const, errorMessage: 'port in use', reportedAt: 60 } };
    expect(runningConfigHash(failedNew, H)).toBe(H);
    expect(previousConfigHash(failedNew, () => true, H)).toBe(H);
    expect(previousConfigHash(failedNew, () => true, null)).toBeNull();
  });

  it('tells an agent running a config Roost does not hold from one that never had a remote config', () => {
    expect(unknownConfigHash(snapshot, () => false)).toBe(H);
    expect(unknownConfigHash(snapshot, () => true)).toBeNull();
    expect(unknownConfigHash({ ...snapshot, remoteConfigStatus: null }, () => false)).toBeNull();
    const observed = reconcileObservations('a', agent, snapshot, { ...context, previousConfigHash: null, unknownConfigHash: H });
    expect(observed[0]).toMatchObject({ type: 'AgentConnected', previousConfigHash: null, unknownConfigHash: H });
  });
});
