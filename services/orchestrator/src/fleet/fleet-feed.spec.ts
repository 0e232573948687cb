import { fleetEventContract, subjects, type FleetEvent } from '@roost/contracts';
import { createMemoryPlatform } from '@roost/platform-memory';
import { recordingLogger } from '@roost/testing';
import { Registry } from 'prom-client';
import { startFleetFeed } from './fleet-feed';
import { FleetView } from './fleet-view';
import { GatewayLiveness } from './gateway-liveness';

const connected = (agentId: string, at: number): FleetEvent => ({
  type: 'connected',
  schemaVersion: 1,
  changes: ['connected'],
  id: `gw.${at}`,
  at,
  agentId,
  snapshot: { agentId, gatewayId: 'gw', transport: 'websocket', connected: true, capabilities: 2, identifying: {}, nonIdentifying: {}, health: null, remoteConfigStatus: null, effectiveConfigHash: null },
});
const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

describe('the fleet feed', () => {
  it('passes over fleet events of a newer Roost and broken ones: the view takes the rest, each is counted, each newer kind logged once', async () => {
    const platform = createMemoryPlatform();
    const append = (agentId: string, data: Uint8Array) => platform.events.append(subjects.fleetAgentEvent(agentId, 'connected'), data);
    await append('a1', fleetEventContract.encode(connected('a1', 1)));
    await append('a2', json({ ...connected('a2', 2), type: 'teleported', changes: ['teleported'] }));
    await append('a2', json({ ...connected('a2', 3), type: 'teleported', changes: ['teleported'] }));
    await append('a3', json({ ...connected('a3', 4), schemaVersion: 2 }));
    await append('a4', json({ ...connected('a4', 5), snapshot: null }));
    await append('a5', fleetEventContract.encode(connected('a5', 6)));
    const logger = recordingLogger();
    const registry = new Registry();
    const view = new FleetView(new GatewayLiveness(12_000, Date.now));
    const feed = await startFleetFeed(platform.events, view, { lagCheckMs: 50, freshnessMs: 1_000, logger, now: Date.now, metrics: registry }, () => undefined);
    try {
      expect([view.size, view.agent('a1') !== undefined, view.agent('a5') !== undefined]).toEqual([2, true, true]);
      const metrics = await registry.metrics();
      expect(metrics).toMatch(/roost_fleet_events_skipped_total\{reason="unknown_type"\} 2/);
      expect(metrics).toMatch(/roost_fleet_events_skipped_total\{reason="newer_schema"\} 1/);
      expect(metrics).toMatch(/roost_fleet_events_skipped_total\{reason="broken"\} 1/);
      expect(logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message)).toEqual([
        expect.stringMatching(/^skipping fleet events of a newer Roost/),
        expect.stringMatching(/^skipping fleet events of a newer Roost/),
        'skipped a fleet event that breaks its contract',
      ]);
    } finally {
      await feed.stop();
      await platform.close();
    }
  });
});
