/**
 * Each service as a Nest application context of its module on the platform module, the way
 * its entry point boots it: on the in-memory adapters and on NATS and Redis. It serves once
 * booted and stops with the context.
 */
import { connect, createServer, type Server } from 'node:net';
import pino from 'pino';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { AdminApiModule, RUNNING_ADMIN_API, type RunningAdminApi } from '@roost/admin-api';
import { subjects } from '@roost/contracts';
import { GatewayModule, RUNNING_GATEWAY, type RunningGateway } from '@roost/gateway';
import { OrchestratorModule, RUNNING_ORCHESTRATOR, type RunningOrchestrator } from '@roost/orchestrator';
import { createMemoryPlatform } from '@roost/platform-memory';
import { connectNatsPlatform } from '@roost/platform-nats';
import { bootServices, PLATFORM, StartAbandonedError } from '@roost/platform-nest';
import { createRedisViewStore } from '@roost/platform-redis';
import { ProjectorModule, RUNNING_PROJECTOR, type RunningProjector } from '@roost/projector';
import { silentLogger, type Platform } from '@roost/ports';
import { eventually, startNatsServer, startRedisServer, type TestServer } from '@roost/testing';

jest.setTimeout(60_000);

type Opener = () => Promise<Platform>;

/** Answers with the HTTP status, or the error code when nothing listens. */
async function statusOf(url: string): Promise<number | string> {
  return fetch(url).then(
    (response) => response.status,
    (error: { cause?: { code?: string } }) => error.cause?.code ?? 'failed',
  );
}

/** Whether anything accepts TCP connections at the URL's port (a fresh connection, not a pooled one). */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function boot(service: string, module: DynamicModule, open: Opener): Promise<INestApplicationContext> {
  return bootServices({ startOrder: [service], platform: { open }, services: [module], logger: silentLogger });
}

function describeServices(where: string, opener: () => Opener): void {
  describe(`each service as a Nest application context on ${where}`, () => {
    it('gateway: serves agents and readiness, and closes its port with the context', async () => {
      const app = await boot('gateway', GatewayModule.forRoot({ port: 0, host: '127.0.0.1', heartbeatIntervalSeconds: null }), opener());
      const gateway = app.get<RunningGateway>(RUNNING_GATEWAY);
      const readyz = gateway.httpUrl.replace(gateway.options.path, '/readyz');
      await eventually(async () => (await statusOf(readyz)) === 200, { what: 'the gateway to be ready' });
      await app.close();
      expect(await listening(readyz)).toBe(false);
    });

    it('orchestrator: leads and answers commands over the bus until the context closes', async () => {
      const app = await boot('orchestrator', OrchestratorModule.forRoot({ leaseRetryMs: 100 }), opener());
      const orchestrator = app.get<RunningOrchestrator>(RUNNING_ORCHESTRATOR);
      const platform = app.get<Platform>(PLATFORM);
      await eventually(() => orchestrator.isLeader(), { timeoutMs: 10_000, what: 'the orchestrator to lead' });
      const reply = await platform.bus.request(subjects.groupCommand('list'), new TextEncoder().encode('{}'), { timeoutMs: 5_000 });
      expect(JSON.parse(new TextDecoder().decode(reply))).toMatchObject({ ok: true });
      await app.close();
      expect(orchestrator.isLeader()).toBe(false);
    });

    it('projector: serves readiness and metrics, and closes its port with the context', async () => {
      const app = await boot('projector', ProjectorModule.forRoot({ httpPort: 0, httpHost: '127.0.0.1' }), opener());
      const projector = app.get<RunningProjector>(RUNNING_PROJECTOR);
      await eventually(async () => (await statusOf(`${projector.url}/readyz`)) === 200, { what: 'the projector to be ready' });
      expect(await statusOf(`${projector.url}/metrics`)).toBe(200);
      await app.close();
      expect(await listening(projector.url!)).toBe(false);
    });

    it('admin API: serves HTTP, and closes its port with the context', async () => {
      const app = await boot('admin-api', AdminApiModule.forRoot({ host: '127.0.0.1', httpPort: 0, grpcPort: null }), opener());
      const api = app.get<RunningAdminApi>(RUNNING_ADMIN_API);
      expect(await statusOf(`${api.url}/api/v1/openapi.json`)).toBe(200);
      await app.close();
      expect(await listening(api.url)).toBe(false);
    });
  });
}

describeServices('the in-memory adapters', () => async () => createMemoryPlatform());

describe('on NATS and Redis', () => {
  let nats: TestServer;
  let redis: TestServer;

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startNatsServer(), startRedisServer()]);
  });

  afterAll(async () => {
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  describeServices('NATS and Redis', () => async () => {
    const views = await createRedisViewStore({ url: redis.url, name: 'service-contexts' });
    return connectNatsPlatform({ url: nats.url, name: 'service-contexts', views });
  });
});

describe('a failed start', () => {
  let occupied: Server;
  let port: number;

  beforeAll(async () => {
    occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    port = (occupied.address() as { port: number }).port;
  });

  afterAll(() => new Promise<void>((resolve) => occupied.close(() => resolve())));

  it('rejects with the error as raised, stops the services started before it and starts none after it', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    let projector: RunningProjector | null = null;
    const platform = createMemoryPlatform();
    const failure = bootServices({
      startOrder: ['projector', 'gateway', 'orchestrator'],
      platform: { platform },
      services: [
        ProjectorModule.forRoot({ httpPort: 0, httpHost: '127.0.0.1', beforeStop: async (running) => void (projector = running) }),
        GatewayModule.forRoot({ port, host: '127.0.0.1', heartbeatIntervalSeconds: null }),
        OrchestratorModule.forRoot({ logger }),
      ],
      logger: silentLogger,
    });
    await expect(failure).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(projector).not.toBeNull();
    expect(await listening(projector!.url!)).toBe(false);
    expect(lines).toEqual([]);
    expect(new StartAbandonedError('orchestrator').code).toBe('service.start_abandoned');
    await platform.close();
  });
});
