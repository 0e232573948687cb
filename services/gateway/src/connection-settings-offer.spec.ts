import { createHash } from 'node:crypto';
import { AgentCapability as Cap, bitsOf, ConnectionSettingsOffers, ServerToAgent } from '@roost/opamp';
import { composeConnectionSettingsOffer, type ConnectionSettingsPlan, type OpampSettings, type TelemetrySettings } from './connection-settings-offer';

const caps = (...bits: number[]): number => bitsOf(Cap.ReportsStatus, ...bits).toNumber();
const SERVER: OpampSettings = {
  destinationEndpoint: 'wss://opamp.example:4320/v1/opamp',
  headers: [{ key: 'Authorization', value: 'Bearer roost_et_abc_def' }],
  caCertPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
};
const plan = (capabilities: number, overrides: Partial<ConnectionSettingsPlan> = {}): ConnectionSettingsPlan => ({ capabilities, heartbeatIntervalSeconds: 30, opamp: null, ...overrides });
const OWN_METRICS: TelemetrySettings = {
  destinationEndpoint: 'https://opamp.example:4320/v1/metrics',
  headers: [
    { key: 'x-roost-agent', value: 'a1' },
    { key: 'x-roost-agent-key', value: 'proof' },
  ],
};
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('composeConnectionSettingsOffer', () => {
  it('offers the heartbeat alone to an agent that reports heartbeats, with the hash heartbeat offers always had', () => {
    const composed = composeConnectionSettingsOffer(plan(caps(Cap.ReportsHeartbeat), { heartbeatIntervalSeconds: 15 }));
    expect(composed?.offer.opamp).toEqual({ heartbeatIntervalSeconds: expect.objectContaining({ low: 15, unsigned: true }) });
    expect(composed?.hash).toBe(sha256Hex('roost.connection-settings.v1\nheartbeat_interval_seconds=15\n'));
    expect(Buffer.from(composed!.offer.hash!).toString('hex')).toBe(composed?.hash);
    expect(composed).toMatchObject({ heartbeat: true, serverSettings: false });
  });

  it('offers nothing without a part the agent can take', () => {
    expect(composeConnectionSettingsOffer(plan(caps()))).toBeNull();
    expect(composeConnectionSettingsOffer(plan(caps(Cap.ReportsHeartbeat), { heartbeatIntervalSeconds: 0 }))).toBeNull();
    // Server settings go only to agents that accept them.
    expect(composeConnectionSettingsOffer(plan(caps(), { opamp: SERVER }))).toBeNull();
  });

  it('gives an agent that accepts OpAMP connection settings no heartbeat-only offer (it would take it as new, empty server settings)', () => {
    expect(composeConnectionSettingsOffer(plan(caps(Cap.ReportsHeartbeat, Cap.AcceptsOpAMPConnectionSettings)))).toBeNull();
  });

  it('hands server settings over whole: endpoint, headers, the CA, and the heartbeat riding along', () => {
    const composed = composeConnectionSettingsOffer(plan(caps(Cap.ReportsHeartbeat, Cap.AcceptsOpAMPConnectionSettings), { opamp: SERVER }))!;
    const opamp = composed.offer.opamp!;
    expect(opamp.destinationEndpoint).toBe(SERVER.destinationEndpoint);
    expect(opamp.headers?.headers).toEqual([{ key: 'Authorization', value: 'Bearer roost_et_abc_def' }]);
    expect(Buffer.from(opamp.certificate!.caCert!).toString()).toBe(SERVER.caCertPem);
    expect(opamp.heartbeatIntervalSeconds?.toNumber()).toBe(30);
    expect(composed).toMatchObject({ heartbeat: true, serverSettings: true });
  });

  it('sends no heartbeat with server settings to an agent that does not report heartbeats, and no certificate on plain text', () => {
    const opamp = composeConnectionSettingsOffer(plan(caps(Cap.AcceptsOpAMPConnectionSettings), { opamp: { ...SERVER, caCertPem: null } }))!.offer.opamp!;
    expect(opamp.heartbeatIntervalSeconds).toBeUndefined();
    expect(opamp.certificate).toBeUndefined();
  });

  it('gives different offers different hashes and equal offers equal ones', () => {
    const accepting = caps(Cap.ReportsHeartbeat, Cap.AcceptsOpAMPConnectionSettings);
    const hashOf = (overrides: Partial<ConnectionSettingsPlan>): string | undefined => composeConnectionSettingsOffer(plan(accepting, overrides))?.hash;
    const base = hashOf({ opamp: SERVER });
    expect(hashOf({ opamp: { ...SERVER } })).toBe(base);
    const variants = [
      hashOf({ opamp: SERVER, heartbeatIntervalSeconds: 15 }),
      hashOf({ opamp: { ...SERVER, destinationEndpoint: 'wss://other:4320/v1/opamp' } }),
      hashOf({ opamp: { ...SERVER, headers: [{ key: 'Authorization', value: 'Bearer roost_et_abc_xyz' }] } }),
      hashOf({ opamp: { ...SERVER, caCertPem: null } }),
      // A header split differently must not collide.
      hashOf({ opamp: { ...SERVER, headers: [{ key: 'Authorization: Bearer', value: 'roost_et_abc_def' }] } }),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('composes an offer that survives the wire', () => {
    const composed = composeConnectionSettingsOffer(plan(caps(Cap.ReportsHeartbeat, Cap.AcceptsOpAMPConnectionSettings), { opamp: SERVER }))!;
    const decoded = ServerToAgent.decode(ServerToAgent.encode({ instanceUid: new Uint8Array(16), connectionSettings: composed.offer }).finish()).connectionSettings!;
    expect(ConnectionSettingsOffers.toObject(decoded as ConnectionSettingsOffers, { longs: Number, bytes: String })).toMatchObject({
      opamp: { destinationEndpoint: SERVER.destinationEndpoint, heartbeatIntervalSeconds: 30, headers: { headers: [{ key: 'Authorization', value: 'Bearer roost_et_abc_def' }] } },
    });
  });

  it('offers own metrics, beside the heartbeat, only to an agent that reports them', () => {
    expect(composeConnectionSettingsOffer(plan(caps(), { heartbeatIntervalSeconds: 0, ownMetrics: OWN_METRICS }))).toBeNull();
    const composed = composeConnectionSettingsOffer(plan(caps(Cap.ReportsHeartbeat, Cap.ReportsOwnMetrics), { ownMetrics: OWN_METRICS }))!;
    expect(composed.offer.ownMetrics).toEqual({ destinationEndpoint: OWN_METRICS.destinationEndpoint, headers: { headers: OWN_METRICS.headers } });
    expect(composed.offer.opamp).toEqual({ heartbeatIntervalSeconds: expect.objectContaining({ low: 30 }) });
    expect(composed).toMatchObject({ heartbeat: true, serverSettings: false, ownMetrics: true });
    // an equal offer, an equal hash (the supervisor restarts its collector only for a different one); another endpoint, another hash
    expect(composeConnectionSettingsOffer(plan(caps(Cap.ReportsHeartbeat, Cap.ReportsOwnMetrics), { ownMetrics: { ...OWN_METRICS } }))?.hash).toBe(composed.hash);
    const moved = composeConnectionSettingsOffer(plan(caps(Cap.ReportsHeartbeat, Cap.ReportsOwnMetrics), { ownMetrics: { ...OWN_METRICS, destinationEndpoint: 'https://elsewhere/v1/metrics' } }));
    expect(moved?.hash).not.toBe(composed.hash);
    expect(composeConnectionSettingsOffer(plan(caps(Cap.ReportsHeartbeat)))?.hash).not.toBe(composed.hash);
    // survives the wire
    const decoded = ServerToAgent.decode(ServerToAgent.encode({ instanceUid: new Uint8Array(16), connectionSettings: composed.offer }).finish());
    expect(decoded.connectionSettings?.ownMetrics?.headers?.headers?.map((h) => h.key)).toEqual(['x-roost-agent', 'x-roost-agent-key']);
  });

  it('offers own logs to an agent that reports them, in the same offer as own metrics (one restart of its collector)', () => {
    const OWN_LOGS: TelemetrySettings = { ...OWN_METRICS, destinationEndpoint: 'https://opamp.example:4320/v1/logs' };
    const metricsOnly = composeConnectionSettingsOffer(plan(caps(Cap.ReportsOwnMetrics), { ownMetrics: OWN_METRICS, ownLogs: OWN_LOGS }))!;
    expect(metricsOnly).toMatchObject({ ownMetrics: true, ownLogs: false });
    expect(metricsOnly.offer.ownLogs).toBeUndefined();
    const both = composeConnectionSettingsOffer(plan(caps(Cap.ReportsOwnMetrics, Cap.ReportsOwnLogs), { ownMetrics: OWN_METRICS, ownLogs: OWN_LOGS }))!;
    expect(both).toMatchObject({ ownMetrics: true, ownLogs: true });
    expect(both.offer.ownLogs).toEqual({ destinationEndpoint: OWN_LOGS.destinationEndpoint, headers: { headers: OWN_LOGS.headers } });
    expect(both.hash).not.toBe(metricsOnly.hash);
    const logsOnly = composeConnectionSettingsOffer(plan(caps(Cap.ReportsOwnLogs), { ownMetrics: OWN_METRICS, ownLogs: OWN_LOGS }))!;
    expect(logsOnly).toMatchObject({ ownMetrics: false, ownLogs: true, heartbeat: false });
    // the same endpoint text under the other field is another offer
    expect(composeConnectionSettingsOffer(plan(caps(Cap.ReportsOwnMetrics), { ownMetrics: OWN_LOGS }))?.hash).not.toBe(logsOnly.hash);
    const decoded = ServerToAgent.decode(ServerToAgent.encode({ instanceUid: new Uint8Array(16), connectionSettings: both.offer }).finish());
    expect(decoded.connectionSettings?.ownLogs?.destinationEndpoint).toBe('https://opamp.example:4320/v1/logs');
  });
});
