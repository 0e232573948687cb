import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { v7 as uuidv7 } from 'uuid';
import { BUCKETS } from '@roost/contracts';
import { silentLogger, type Platform } from '@roost/ports';
import { AgentSessions } from './agent-sessions';
import { createBearerCheck } from './bearer-auth';
import { createConfigSource } from './config-source';
import { createFleetPublisher } from './fleet-publisher';
import { createGatewayMetrics, type GatewayMetrics } from './gateway-metrics';
import { resolveGatewayOptions, type GatewayOptions, type ResolvedGatewayOptions } from './gateway-options';
import { createRequestListener, createUpgradeListener } from './http-endpoint';
import { startLivenessSweeps } from './liveness-sweep';
import { startPresence } from './presence';
import { listenForPushNudges } from './push-nudges';
import { createWebSocketTransport } from './websocket-transport';

/** The ports the gateway uses; `health` (when present) feeds /readyz. */
export type GatewayPlatform = Pick<Platform, 'bus' | 'events' | 'kv'> & Partial<Pick<Platform, 'health'>>;

export interface GatewayStats {
  readonly agents: { readonly websocket: number; readonly http: number };
  /** Records held, connected or kept for a reconnect. */
  readonly records: number;
  readonly openSockets: number;
}

export interface RunningGateway {
  readonly gatewayId: string;
  readonly port: number;
  /** WebSocket endpoint, e.g. `ws://127.0.0.1:4320/v1/opamp`. */
  readonly url: string;
  /** Plain-HTTP endpoint, e.g. `http://127.0.0.1:4320/v1/opamp`. */
  readonly httpUrl: string;
  readonly metrics: GatewayMetrics;
  readonly options: ResolvedGatewayOptions;
  stats(): GatewayStats;
  /** Resolves once pending nudge fan-outs and fleet-event appends have settled (tests, benchmarks). */
  idle(): Promise<void>;
  /** Closes every connection, says the agents disconnected, removes the presence entry. */
  stop(): Promise<void>;
}

/** Longest run of queued WebSocket frames handled before yielding to timers and other I/O (see FAN_OUT_SLICE_MS). */
const INBOUND_SLICE_MS = 5;
/**
 * Queued frames above which sockets that send more are paused, until the queue is down to a
 * quarter. Kept low: what waits is better left in the kernel's socket buffers than on the heap,
 * where every frame that outlives a young-generation GC is copied (and lengthens the pause).
 */
const INBOUND_HIGH_WATER = 2_000;
/** The shortest HTTP-liveness sweep period; sweeps also evict old records. */
const SWEEP_MS = 1_000;

/** Starts a gateway on its port and resolves once it listens and has announced itself. */
export async function startGateway(options: GatewayOptions, platform: GatewayPlatform): Promise<RunningGateway> {
  const resolved = resolveGatewayOptions(options, {
    gatewayId: () => `gw-${hostname().replace(/[^-_A-Za-z0-9]/g, '-')}-${cryptoRandomBytes(3).toString('hex')}`,
    now: Date.now,
    randomBytes: (size) => cryptoRandomBytes(size),
    logger: silentLogger,
  });
  const { logger, gatewayId } = resolved;
  const startedAt = resolved.now();
  const bootId = Buffer.from(resolved.randomBytes(6)).toString('hex');
  let eventCounter = 0;
  const metrics = createGatewayMetrics(gatewayId);
  const [desiredBucket, configsBucket, gatewaysBucket] = await Promise.all([
    platform.kv.open(BUCKETS.agentDesired.name),
    platform.kv.open(BUCKETS.configs.name),
    platform.kv.open(BUCKETS.gateways.name),
  ]);
  const configs = createConfigSource(desiredBucket, configsBucket, logger);
  const publisher = createFleetPublisher(platform.events, metrics, logger);

  // The transport and the sessions refer to each other; the transport is created second.
  let openSockets = (): number => 0;
  const sessions = new AgentSessions({
    options: resolved,
    configs,
    publisher,
    metrics,
    logger,
    openSockets: () => openSockets(),
    newInstanceUid: () => uuidv7({ msecs: resolved.now(), random: resolved.randomBytes(16) }, new Uint8Array(16)),
    nextEventId: () => `${gatewayId}.${bootId}.${++eventCounter}`,
  });
  const ws = createWebSocketTransport(sessions, {
    maxFrameBytes: resolved.maxMessageBytes,
    pingIntervalMs: resolved.pingIntervalMs,
    sliceSize: resolved.pushChunkSize,
    inboundSliceMs: INBOUND_SLICE_MS,
    inboundHighWater: INBOUND_HIGH_WATER,
    metrics,
    logger,
  });
  openSockets = () => ws.peerCount;

  const bearerOk = createBearerCheck(resolved.bearerToken);
  let stopping = false;
  let presenceHealthy = (): boolean => false;
  const hooks = {
    path: resolved.path,
    maxMessageBytes: resolved.maxMessageBytes,
    retryAfterSeconds: resolved.retryAfterSeconds,
    authorised: (request: IncomingMessage) => bearerOk(request.headers),
    admitsWebSocket: () => !stopping && sessions.admitsNewConnection(),
    handleHttpMessage: (body: Buffer) => (stopping ? { kind: 'over_capacity' as const } : sessions.onHttpBody(body)),
    acceptUpgrade: ws.accept,
    metricsText: async () => {
      metrics.agents.set({ transport: 'websocket' }, sessions.sockets.size);
      metrics.agents.set({ transport: 'http' }, sessions.httpAgents.size);
      return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
    },
    healthy: () => !stopping,
    ready: async () => {
      const components = platform.health ? await platform.health() : [];
      const ready = !stopping && presenceHealthy() && components.every((c) => c.healthy);
      return { ready, detail: { gatewayId, presence: presenceHealthy(), components } };
    },
    metrics,
    logger,
  };
  const server = createServer(createRequestListener(hooks));
  server.on('upgrade', createUpgradeListener(hooks));
  server.on('clientError', (_error, socket) => socket.destroy());
  const port = await listen(server, resolved.port, resolved.host);

  const presence = await startPresence(gatewaysBucket, {
    gatewayId,
    startedAt,
    refreshMs: resolved.presenceRefreshMs,
    endpoint: resolved.advertisedEndpoint,
    now: resolved.now,
    agentCount: () => sessions.connectedCount,
    logger,
  });
  presenceHealthy = () => presence.healthy;
  const nudges = listenForPushNudges(platform.bus, sessions, configs, {
    gatewayId,
    sliceSize: resolved.pushChunkSize,
    readConcurrency: resolved.desiredReadConcurrency,
    resyncMs: resolved.desiredResyncMs,
    logger,
  });
  const stopSweeps = startLivenessSweeps(
    sessions,
    {
      httpSilenceMs: resolved.httpMissedPolls * resolved.httpPollIntervalSeconds * 1000,
      retainDisconnectedMs: resolved.retainDisconnectedMs,
      now: resolved.now,
    },
    Math.min(SWEEP_MS, resolved.httpPollIntervalSeconds * 1000),
  );

  const host = resolved.host === '0.0.0.0' || resolved.host === '::' ? '127.0.0.1' : resolved.host;
  logger.info({ gatewayId, port, path: resolved.path }, 'gateway listening');
  return {
    gatewayId,
    port,
    url: `ws://${host}:${port}${resolved.path}`,
    httpUrl: `http://${host}:${port}${resolved.path}`,
    metrics,
    options: resolved,
    stats: () => ({
      agents: { websocket: sessions.sockets.size, http: sessions.httpAgents.size },
      records: sessions.records.size,
      openSockets: ws.peerCount,
    }),
    idle: async () => {
      await nudges.idle();
      await publisher.drain();
    },
    stop: async () => {
      if (stopping) return;
      stopping = true;
      nudges.stop();
      stopSweeps();
      await presence.stop();
      await ws.close();
      for (const agentId of [...sessions.httpAgents]) sessions.disconnect(agentId, 'gateway stopping');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await nudges.idle();
      await publisher.drain();
      logger.info({ gatewayId }, 'gateway stopped');
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
