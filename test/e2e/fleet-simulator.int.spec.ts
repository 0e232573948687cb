import type { FleetEvent } from '@roost/contracts';
import { startFleet, DEFAULT_MARKER, type RunningFleet } from '@roost/fleet-simulator';
import { startGateway, type RunningGateway } from '@roost/gateway';
import { fleetEvents, nudge, setDesired, storeConfig } from '@roost/gateway/testing';
import { createMemoryPlatform } from '@roost/platform-memory';
import type { Platform } from '@roost/ports';
import { eventually } from '@roost/testing';

const config = (exporter: string, marked = false): string =>
  [...(marked ? [DEFAULT_MARKER] : []), 'receivers:', '  otlp:', '    protocols:', '      grpc: {}', 'exporters:', `  ${exporter}: {}`, 'service:', '  pipelines:', '    traces:', '      receivers: [otlp]', `      exporters: [${exporter}]`, ''].join('\n');

/** The last event the gateway published per agent. */
async function latestSnapshots(platform: Platform): Promise<Map<string, FleetEvent['snapshot']>> {
  const latest = new Map<string, FleetEvent['snapshot']>();
  for (const event of await fleetEvents(platform)) latest.set(event.agentId, event.snapshot);
  return latest;
}

describe('fleet simulator against a real gateway', () => {
  let platform: Platform;
  let gateway: RunningGateway;
  let fleet: RunningFleet | null = null;

  beforeEach(async () => {
    platform = createMemoryPlatform();
    gateway = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-sim', heartbeatIntervalSeconds: null, pingIntervalMs: 60_000 }, platform);
  });

  afterEach(async () => {
    await fleet?.stop();
    fleet = null;
    await gateway.stop();
    await platform.close();
  });

  /** Sets every agent's desired config and nudges the gateway, as the orchestrator would. */
  async function push(body: string): Promise<string> {
    const hash = await storeConfig(platform, body);
    const ids = fleet!.agents.map((agent) => agent.id);
    await setDesired(platform, ids, hash);
    nudge(platform, gateway.gatewayId, ids);
    return hash;
  }

  it('describes each agent with its environment and region and reports its local config over WebSocket', async () => {
    fleet = await startFleet({ urls: [gateway.url], agents: 12, environments: 'production:2,staging:1', regions: 'eu-west-1,us-east-1', seed: 'describe' });
    await fleet.waitUntilConnected(12, 10_000);
    const snapshots = await eventually(async () => {
      const latest = await latestSnapshots(platform);
      return latest.size === 12 && latest;
    });
    const environments = [...snapshots.values()].map((s) => s.identifying['service.environment']);
    expect(environments.filter((e) => e === 'production')).toHaveLength(8);
    expect(environments.filter((e) => e === 'staging')).toHaveLength(4);
    for (const snapshot of snapshots.values()) {
      expect(snapshot).toMatchObject({ connected: true, transport: 'websocket', remoteConfigStatus: { status: 'UNSET' }, health: { healthy: true } });
      expect(['eu-west-1', 'us-east-1']).toContain(snapshot.nonIdentifying['cloud.region']);
      expect(snapshot.effectiveConfigHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('applies a good config everywhere, then answers a marked one by behaviour', async () => {
    fleet = await startFleet({ urls: [gateway.url], agents: 12, behaviours: 'fail:25,unhealthy:25,rollback:25', applyDelayMs: { min: 10, max: 40 }, seed: 'behaviours' });
    await fleet.waitUntilConnected(12, 10_000);
    const good = await push(config('debug'));
    await eventually(() => fleet!.stats().running[0]?.agents === 12 && fleet!.stats().running[0]?.config === good, { timeoutMs: 10_000, what: 'every agent running the good config' });
    await eventually(async () => [...(await latestSnapshots(platform)).values()].every((s) => s.remoteConfigStatus?.hash === good && s.remoteConfigStatus.status === 'APPLIED' && s.effectiveConfigHash === good), {
      timeoutMs: 5_000,
      what: 'APPLIED with the good config as effective config in every fleet event',
    });

    const bad = await push(config('otlp', true));
    const byBehaviour = (behaviour: string) => fleet!.agents.filter((agent) => agent.plan.behaviour === behaviour).map((agent) => agent.id);
    const settled = async () => {
      const latest = await latestSnapshots(platform);
      const of = (behaviour: string) => byBehaviour(behaviour).map((id) => latest.get(id));
      const failedOn = (s: FleetEvent['snapshot'] | undefined) => s?.remoteConfigStatus?.status === 'FAILED' && s.remoteConfigStatus.hash === bad;
      return (
        of('healthy').every((s) => s?.remoteConfigStatus?.status === 'APPLIED' && s.remoteConfigStatus.hash === bad && s.health?.healthy === true) &&
        of('fail').every((s) => failedOn(s) && s?.effectiveConfigHash === good && s.remoteConfigStatus?.errorMessage.startsWith('invalid configuration: line 1')) &&
        of('unhealthy').every((s) => s?.remoteConfigStatus?.status === 'APPLIED' && s.remoteConfigStatus.hash === bad && s.health?.healthy === false) &&
        of('rollback').every((s) => s?.remoteConfigStatus?.status === 'APPLIED' && s.remoteConfigStatus.hash === good && s.effectiveConfigHash === good && s.health?.healthy === true) &&
        latest
      );
    };
    await eventually(settled, { timeoutMs: 10_000, what: 'each behaviour to answer the marked config' }).catch(async (error: Error) => {
      const latest = await latestSnapshots(platform);
      const seen = fleet!.agents.map((agent) => `${agent.plan.behaviour} ${JSON.stringify(agent.snapshot())} ${JSON.stringify(latest.get(agent.id)?.remoteConfigStatus)} ${latest.get(agent.id)?.health?.healthy} ${latest.get(agent.id)?.effectiveConfigHash?.slice(0, 4)}`);
      throw new Error(`${error.message}; good ${good.slice(0, 4)} bad ${bad.slice(0, 4)}\n${seen.join('\n')}`);
    });
    expect(byBehaviour('healthy')).toHaveLength(3);
    const rolledBack = byBehaviour('rollback')[0]!;
    // The gateway publishes one event per aspect that changed (status, health, effective config): keep the status changes.
    const statuses = (await fleetEvents(platform, rolledBack))
      .map((e) => `${e.snapshot.remoteConfigStatus?.status}:${e.snapshot.remoteConfigStatus?.hash.slice(0, 4)}`)
      .filter((status, index, all) => status !== all[index - 1]);
    expect(statuses.slice(statuses.lastIndexOf(`APPLYING:${bad.slice(0, 4)}`))).toEqual([`APPLYING:${bad.slice(0, 4)}`, `APPLIED:${bad.slice(0, 4)}`, `FAILED:${bad.slice(0, 4)}`, `APPLIED:${good.slice(0, 4)}`]);
    expect(fleet.stats().totals.failed).toBe(6);
  });

  it('polls over plain HTTP and picks up a config on its next poll', async () => {
    fleet = await startFleet({ urls: [gateway.httpUrl], agents: 5, pollIntervalMs: 100, applyDelayMs: { min: 5, max: 5 }, seed: 'http' });
    await fleet.waitUntilConnected(5, 10_000);
    expect(gateway.stats().agents.http).toBe(5);
    const hash = await push(config('debug'));
    await eventually(async () => [...(await latestSnapshots(platform)).values()].filter((s) => s.transport === 'http' && s.remoteConfigStatus?.hash === hash && s.remoteConfigStatus.status === 'APPLIED').length === 5, {
      timeoutMs: 10_000,
      what: 'five HTTP agents APPLIED',
    });
  });

  it('lets flaky agents drop their connection and come back', async () => {
    fleet = await startFleet({ urls: [gateway.url], agents: 4, behaviours: 'flaky:100', flakyUptimeMs: 150, flakyDowntimeMs: { min: 50, max: 100 }, seed: 'flaky' });
    await eventually(() => fleet!.stats().totals.connects >= 12, { timeoutMs: 10_000, what: 'flaky agents reconnecting' });
    const kinds = (await fleetEvents(platform)).map((event) => event.type);
    expect(kinds.filter((kind) => kind === 'disconnected').length).toBeGreaterThanOrEqual(4);
  });

  it('says goodbye on stop, so the gateway reports every agent disconnected', async () => {
    fleet = await startFleet({ urls: [gateway.url], agents: 6, seed: 'stop' });
    await fleet.waitUntilConnected(6, 10_000);
    await fleet.stop();
    fleet = null;
    await eventually(async () => [...(await latestSnapshots(platform)).values()].every((s) => !s.connected) && gateway.stats().agents.websocket === 0, { what: 'all agents disconnected' });
  });

  it('fails over to the next gateway when its gateway stops', async () => {
    const second = await startGateway({ port: 0, host: '127.0.0.1', gatewayId: 'gw-sim-2', heartbeatIntervalSeconds: null }, platform);
    try {
      fleet = await startFleet({ urls: [gateway.url, second.url], agents: 8, seed: 'failover' });
      await fleet.waitUntilConnected(8, 10_000);
      await eventually(() => gateway.stats().agents.websocket === 4 && second.stats().agents.websocket === 4, { what: 'agents spread over both gateways' });
      await gateway.stop();
      await eventually(() => second.stats().agents.websocket === 8 && fleet!.stats().connected === 8, { timeoutMs: 15_000, what: 'all agents on the second gateway' });
    } finally {
      await fleet?.stop();
      fleet = null;
      await second.stop();
    }
  });
});
