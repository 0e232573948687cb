import Redis from 'ioredis';
import pino from 'pino';
import { startFleet, type RunningFleet } from '@roost/fleet-simulator';
import { readFleetSummary } from '@roost/views';
import { eventually, startNatsServer, startRedisServer, type TestServer } from '@roost/testing';
import { parseCommandLine, type RoostSettings } from './command-line';
import { startRoost, type RunningRoost } from './start-roost';

const silent = pino({ level: 'silent' });

function settingsFor(argv: string[], env: Record<string, string> = {}): RoostSettings {
  const command = parseCommandLine(['--gateway-port', '0', '--projector-port', '0', '--orchestrator-port', '0', '--admin-port', '0', '--grpc-port', '0', ...argv], env, false);
  if (command.kind !== 'run') throw new Error('expected settings');
  return command.settings;
}

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

describe('all-in-one on the in-memory adapters', () => {
  let roost: RunningRoost;
  let fleet: RunningFleet | null = null;

  beforeAll(async () => {
    roost = await startRoost(settingsFor([]), silent);
  });

  afterAll(async () => {
    await fleet?.stop();
    await roost.stop();
  });

  it('lists only endpoints that answer, and every one of them answers', async () => {
    expect(roost.engines).toEqual({ streams: 'memory', views: 'memory' });
    expect(roost.endpoints.map((e) => e.what)).toEqual([
      'admin API (HTTP)',
      'web console',
      'admin API (OpenAPI)',
      'admin API metrics',
      'admin API (gRPC)',
      'admin API readiness',
      'OpAMP over WebSocket',
      'OpAMP over plain HTTP',
      'gateway metrics',
      'gateway readiness',
      'orchestrator metrics',
      'projector metrics',
      'projector readiness',
    ]);
    for (const endpoint of roost.endpoints.filter((e) => e.url.startsWith('http') && !e.url.endsWith('/v1/opamp') && e.url !== roost.adminApi!.url)) {
      await eventually(async () => (await status(endpoint.url)) === 200, { what: `${endpoint.what} at ${endpoint.url} to answer 200` });
    }
  });

  it('takes agents: the orchestrator leads and sees them, the projector counts them', async () => {
    fleet = await startFleet({ urls: [roost.gateway!.url], agents: 10, environments: 'production:1,staging:1', seed: 'aio-memory' });
    await fleet.waitUntilConnected(10, 10_000);
    await eventually(() => roost.orchestrator!.isLeader() && roost.orchestrator!.fleetSize() === 10, { timeoutMs: 10_000, what: 'the leader to see 10 agents' });
    await eventually(async () => (await readFleetSummary(roost.platform.views)).fleet.connected === 10, { what: 'the fleet view to count 10 connected agents' });
    const groups = (await (await fetch(`${roost.adminApi!.url}/api/v1/groups`)).json()) as unknown;
    expect(JSON.stringify(groups)).toContain('staging');
  });
});

describe('all-in-one on NATS and Redis', () => {
  let nats: TestServer;
  let redis: TestServer;

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNatsServer(), startRedisServer()]);
  });

  afterAll(async () => {
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  it('keeps state in NATS and Redis, and its graceful stop leaves every disconnect in the views', async () => {
    const roost = await startRoost(settingsFor([], { NATS_URL: nats.url, REDIS_URL: redis.url }), silent);
    const fleet = await startFleet({ urls: [roost.gateway!.url], agents: 8, seed: 'aio-nats' });
    const client = new Redis(redis.url);
    try {
      expect(roost.engines).toEqual({ streams: 'nats', views: 'redis' });
      await fleet.waitUntilConnected(8, 10_000);
      await eventually(async () => (await client.hget('roost:fleet:summary', 'connection.connected')) === '8', { timeoutMs: 10_000, what: '8 connected agents in Redis' });
      await roost.stop();
      expect(await client.hgetall('roost:fleet:summary')).toMatchObject({ agents: '8', 'connection.connected': '0', 'connection.disconnected': '8' });
    } finally {
      await fleet.stop();
      await roost.stop();
      client.disconnect();
    }
  });

  it('runs a single service when named, and lists only its endpoints', async () => {
    const gatewayOnly = await startRoost(settingsFor(['gateway'], { NATS_URL: nats.url }), silent);
    try {
      expect(gatewayOnly.orchestrator).toBeNull();
      expect(gatewayOnly.projector).toBeNull();
      expect(gatewayOnly.endpoints.every((e) => e.service === 'gateway')).toBe(true);
      expect(gatewayOnly.engines).toEqual({ streams: 'nats', views: 'none' });
    } finally {
      await gatewayOnly.stop();
    }
  });
});
