import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname, totalmem } from 'node:os';
import { v7 as uuidv7 } from 'uuid';
import { BUCKETS, enrolmentIssuedReplyContract, enrolmentIssueRequestContract, subjects, collectorErrorsContract, telemetrySampleContract, type ClientCertificate } from '@roost/contracts';
import { isLoopbackHost, loadTlsFiles, watchTlsFiles, type TlsFiles, type TlsMaterial } from '@roost/platform-process';
import { silentLogger, type Logger, type Platform } from '@roost/ports';
import { AgentSessions } from './agent-sessions';
import { EnrolmentAuthority } from './enrolment-authority';
import { createRefusalReporter } from './budget-refusals';
import { createConfigSource } from './config-source';
import { createEffectiveConfigWriter } from './effective-config-writer';
import { createFleetPublisher } from './fleet-publisher';
import { createGatewayMetrics, type GatewayMetrics } from './gateway-metrics';
import { resolveGatewayOptions, type GatewayOptions, type ResolvedGatewayOptions } from './gateway-options';
import { createRequestListener, createUpgradeListener } from './http-endpoint';
import { startHttpHandover } from './http-handover';
import { listenBacklog } from './listen-backlog';
import { letGoOf, startLivenessSweeps } from './liveness-sweep';
import { startPresence } from './presence';
import { cgroupMemoryLimit, defaultMemoryBudget, MemoryBudget } from './memory-budget';
import { listenForPushNudges } from './push-nudges';
import { createWebSocketTransport } from './websocket-transport';
import type { OwnTelemetrySettings } from './connection-settings-offer';
import { AGENT_ID_HEADER, AGENT_KEY_HEADER, OwnMetricsCredentials } from './own-metrics-credential';
import { OWN_LOGS_PATH, OWN_METRICS_PATH, ownLogsSignal, ownMetricsSignal, receiveOwnTelemetry, type OwnTelemetryReceiver } from './own-telemetry-receiver';
import type { EnrolmentCredential } from './enrolment-check';
import { handoverUrls, type TokenHandoverSettings } from './token-handover';

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
 * Queued bytes above which sockets that send more are paused, until the queue is down to a
 * quarter. Counted in bytes, not frames: 2,000 frames were 160 KB of health reports or 10 MB of
 * effective configs. Kept low: what waits is better left in the kernel's socket buffers than on
 * the heap, where every frame that outlives a young-generation GC is copied (and lengthens the
 * pause). A health report that only moves a time supersedes its agent's queued one instead of
 * queueing behind it (superseded-reports.ts), so health reports alone rarely reach it.
 */
const INBOUND_HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** The shortest HTTP-liveness sweep period; sweeps also evict old records. */
const SWEEP_MS = 1_000;
/** How long a peer gateway gets to say which silent HTTP agents it holds. */
const HANDOVER_ASK_MS = 1_000;
/** What a connection holds before its first message is handled without drawing on the pre-auth pool. */
const PRE_AUTH_ALLOWANCE_BYTES = 256 * 1024;
/** Bytes written to one socket and not yet taken by the kernel, beyond the largest message. */
const OUTBOUND_SLACK_BYTES = 1024 * 1024;

/** The memory the process may use: its cgroup's limit when it has one, else the machine's. */
function memoryLimit(): number {
  let text: string | null = null;
  try {
    text = readFileSync('/sys/fs/cgroup/memory.max', 'utf8');
  } catch {
    // No cgroup v2 limit to read (not Linux, or cgroup v1).
  }
  return cgroupMemoryLimit(text) ?? totalmem();
}

/** Starts a gateway on its port and resolves once it listens and has announced itself. */
export async function startGateway(options: GatewayOptions, platform: GatewayPlatform): Promise<RunningGateway> {
  const resolved = resolveGatewayOptions(options, {
    gatewayId: () => `gw-${hostname().replace(/[^-_A-Za-z0-9]/g, '-')}-${cryptoRandomBytes(3).toString('hex')}`,
    now: Date.now,
    randomBytes: (size) => cryptoRandomBytes(size),
    logger: silentLogger,
    memoryBudgetBytes: () => defaultMemoryBudget(memoryLimit()),
  });
  const { logger, gatewayId } = resolved;
  // Unusable TLS files stop the start before anything else is opened.
  const tlsMaterial = resolved.tls === undefined ? null : loadTlsFiles(resolved.tls, TLS_SETTINGS);
  const startedAt = resolved.now();
  const bootId = Buffer.from(resolved.randomBytes(6)).toString('hex');
  let eventCounter = 0;
  const metrics = createGatewayMetrics(gatewayId);
  const budget = new MemoryBudget({
    totalBytes: resolved.memoryBudgetBytes,
    // An eighth of the budget, and room for one message of the largest size.
    preAuthBytes: Math.min(resolved.memoryBudgetBytes, Math.max(Math.floor(resolved.memoryBudgetBytes / 8), resolved.maxMessageBytes)),
    preAuthAllowance: PRE_AUTH_ALLOWANCE_BYTES,
    // Kept for ordinary messages: large ones cannot hold the whole budget.
    smallReserveBytes: Math.min(Math.floor(resolved.memoryBudgetBytes / 8), resolved.memoryBudgetBytes - resolved.maxMessageBytes),
  });
  const refused = createRefusalReporter(metrics, logger, budget, Date.now);
  const [desiredBucket, configsBucket, gatewaysBucket, effectiveBucket, enrolmentBucket] = await Promise.all([
    platform.kv.open(BUCKETS.agentDesired.name),
    platform.kv.open(BUCKETS.configs.name),
    platform.kv.open(BUCKETS.gateways.name),
    platform.kv.open(BUCKETS.effectiveConfigs.name),
    platform.kv.open(BUCKETS.enrolmentTokens.name),
  ]);
  const configs = createConfigSource(desiredBucket, configsBucket, logger);
  const publisher = createFleetPublisher(platform.events, metrics, logger);
  const effectiveConfigs = createEffectiveConfigWriter(effectiveBucket, logger);

  // Agents' own metrics and logs: offered (when enabled) with a per-agent proof, received on this port.
  const ownMetricsCredentials = new OwnMetricsCredentials(resolved.ownMetricsKey ?? cryptoRandomBytes(32));
  let ownMetricsEndpoint = resolved.ownMetricsEndpoint ?? '';
  const ownTelemetryFor = (agentId: string): OwnTelemetrySettings => {
    if (ownMetricsEndpoint === '') return { metrics: null, logs: null };
    const headers = ownMetricsHeaders(agentId, ownMetricsCredentials);
    const logsEndpoint = ownLogsEndpointOf(ownMetricsEndpoint);
    return { metrics: { destinationEndpoint: ownMetricsEndpoint, headers }, logs: logsEndpoint === null ? null : { destinationEndpoint: logsEndpoint, headers } };
  };

  // The transport and the sessions refer to each other; the transport is created second.
  let openSockets = (): number => 0;
  let endConnectionsOf = (_tokenId: string): number => 0;
  const authority = new EnrolmentAuthority(
    enrolmentBucket,
    { sharedToken: resolved.bearerToken, requireEnrolment: resolved.requireEnrolment },
    {
      now: resolved.now,
      logger,
      onRevoked: (tokenId) => {
        const ended = endConnectionsOf(tokenId);
        logger.info({ tokenId, ended }, 'enrolment token revoked: the connections that showed it end');
      },
    },
  );
  await authority.start();
  const sessions = new AgentSessions({
    options: resolved,
    configs,
    publisher,
    effectiveConfigs,
    metrics,
    logger,
    openSockets: () => openSockets(),
    newInstanceUid: () => uuidv7({ msecs: resolved.now(), random: resolved.randomBytes(16) }, new Uint8Array(16)),
    nextEventId: () => `${gatewayId}.${bootId}.${++eventCounter}`,
    ...(resolved.ownMetrics ? { ownTelemetryFor } : {}),
    tokenStanding: (credential) => authority.standing(credential),
    ...(resolved.tokenHandover === undefined ? {} : { tokenHandover: { settings: tokenHandoverSettings(resolved.tokenHandover), issue: tokenIssuer(platform.bus, gatewayId, resolved.tokenHandover.ttlSeconds) } }),
  });
  const ws = createWebSocketTransport(sessions, {
    maxFrameBytes: resolved.maxMessageBytes,
    pingIntervalMs: resolved.pingIntervalMs,
    sliceSize: resolved.pushChunkSize,
    inboundSliceMs: INBOUND_SLICE_MS,
    inboundHighWaterBytes: INBOUND_HIGH_WATER_BYTES,
    budget,
    maxOutboundBytes: resolved.maxMessageBytes + OUTBOUND_SLACK_BYTES,
    onRefused: (reason) => refused('websocket', reason),
    metrics,
    logger,
  });
  openSockets = () => ws.peerCount;
  endConnectionsOf = (tokenId) => sessions.endConnectionsOf(tokenId, ws.peers());

  const ownTelemetryReceiver = (counted: OwnTelemetryReceiver['counted']): OwnTelemetryReceiver => ({
    credentials: ownMetricsCredentials,
    budget,
    retryAfterSeconds: resolved.retryAfterSeconds,
    counted,
    now: resolved.now,
    logger,
  });
  const metricsReceiver = ownTelemetryReceiver((outcome) => metrics.ownMetricsExports.inc({ outcome }));
  const logsReceiver = ownTelemetryReceiver((outcome) => metrics.ownLogsExports.inc({ outcome }));
  const metricsSignal = ownMetricsSignal((sample) => platform.bus.publish(subjects.telemetryAgent(sample.agentId), telemetrySampleContract.encode(sample)));
  const logsSignal = ownLogsSignal((errors) => platform.bus.publish(subjects.collectorErrors(errors.agentId), collectorErrorsContract.encode(errors)));

  let stopping = false;
  let presenceHealthy = (): boolean => false;
  const hooks = {
    path: resolved.path,
    maxMessageBytes: resolved.maxMessageBytes,
    retryAfterSeconds: resolved.retryAfterSeconds,
    budget,
    onRefused: (reason: string) => refused('http', reason),
    authorise: (request: IncomingMessage) => authority.authorise(request.headers.authorization),
    admitsWebSocket: () => !stopping && sessions.admitsNewConnection(),
    handleHttpMessage: (body: Buffer, clientCertificate: ClientCertificate | null, enrolment: EnrolmentCredential | null) =>
      stopping ? { kind: 'over_capacity' as const } : sessions.onHttpBody(body, clientCertificate, enrolment),
    acceptUpgrade: ws.accept,
    ownMetrics: (request: IncomingMessage, response: ServerResponse) =>
      receiveOwnTelemetry(metricsReceiver, metricsSignal, request, response),
    ownLogs: (request: IncomingMessage, response: ServerResponse) =>
      receiveOwnTelemetry(logsReceiver, logsSignal, request, response),
    metricsText: async () => {
      metrics.agents.set({ transport: 'websocket' }, sessions.agents.socketCount);
      metrics.agents.set({ transport: 'http' }, sessions.agents.pollingCount);
      metrics.messageBytesHeld.set({ pool: 'all' }, budget.used);
      metrics.messageBytesHeld.set({ pool: 'pre_auth' }, budget.preAuthUsed);
      metrics.messageBytesBudget.set({ pool: 'all' }, budget.limits.totalBytes);
      metrics.messageBytesBudget.set({ pool: 'pre_auth' }, budget.limits.preAuthBytes);
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
  const { server, stopTls } = createPortServer(createRequestListener(hooks), resolved.tls, tlsMaterial, resolved.tlsReloadIntervalMs, logger);
  server.on('upgrade', createUpgradeListener(hooks));
  server.on('clientError', (_error, socket) => socket.destroy());
  const backlog = listenBacklog();
  const port = await listen(server, resolved.port, resolved.host, backlog);

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
  const httpSilenceMs = resolved.httpMissedPolls * resolved.httpPollIntervalSeconds * 1000;
  const handover = startHttpHandover(platform.bus, gatewaysBucket, sessions, { gatewayId, httpSilenceMs, askTimeoutMs: HANDOVER_ASK_MS, logger });
  // Agents that follow the offered heartbeat are disconnected after missing that many of its polls.
  const followedSilenceMs = resolved.heartbeatIntervalSeconds > 0 ? resolved.httpMissedPolls * resolved.heartbeatIntervalSeconds * 1000 : null;
  const liveness = { httpSilenceMs, followedSilenceMs, retainDisconnectedMs: resolved.retainDisconnectedMs, now: resolved.now, heardElsewhere: handover.heardElsewhere };
  const sweepMs = Math.min(SWEEP_MS, (resolved.heartbeatIntervalSeconds || resolved.httpPollIntervalSeconds) * 1000);
  const stopSweeps = startLivenessSweeps(sessions, liveness, sweepMs, (error) =>
    logger.error({ err: String(error) }, 'liveness sweep failed'),
  );

  const host = resolved.host === '0.0.0.0' || resolved.host === '::' ? '127.0.0.1' : resolved.host;
  const secure = resolved.tls !== undefined ? 's' : '';
  if (ownMetricsEndpoint === '') ownMetricsEndpoint = ownMetricsEndpointOf(resolved.advertisedEndpoint, `http${secure}://${host}:${port}`);
  if (resolved.ownMetrics) {
    const logsEndpoint = ownLogsEndpointOf(ownMetricsEndpoint);
    logger.info({ endpoint: ownMetricsEndpoint, logsEndpoint, sharedKey: resolved.ownMetricsKey !== undefined }, 'offering own metrics and logs to agents that report them (data-plane gates, collector errors)');
    if (logsEndpoint === null) logger.warn({ endpoint: ownMetricsEndpoint }, `own logs are not offered: the own-metrics endpoint does not end in ${OWN_METRICS_PATH}, so the ${OWN_LOGS_PATH} beside it is unknown`);
    if (resolved.ownMetricsEndpoint === undefined && resolved.advertisedEndpoint === undefined && host !== resolved.host) {
      logger.warn({ endpoint: ownMetricsEndpoint }, 'agents on other hosts cannot reach the own-metrics endpoint offered; set GATEWAY_OWN_METRICS_ENDPOINT to the URL they reach');
    }
  }
  logger.info({ gatewayId, port, path: resolved.path, tls: resolved.tls !== undefined, mtls: resolved.tls?.clientCaFile !== undefined, backlog }, 'gateway listening');
  if (resolved.tls === undefined && !isLoopbackHost(resolved.host)) {
    logger.warn({ host: resolved.host }, `gateway listens on ${resolved.host} without TLS: agent tokens and configs travel in clear; set ${TLS_SETTINGS.cert} and ${TLS_SETTINGS.key}, or terminate TLS in front of it`);
  }
  return {
    gatewayId,
    port,
    url: `ws${secure}://${host}:${port}${resolved.path}`,
    httpUrl: `http${secure}://${host}:${port}${resolved.path}`,
    metrics,
    options: resolved,
    stats: () => ({
      agents: { websocket: sessions.agents.socketCount, http: sessions.agents.pollingCount },
      records: sessions.agents.recordCount,
      openSockets: ws.peerCount,
    }),
    idle: async () => {
      await nudges.idle();
      await publisher.drain();
      await effectiveConfigs.drain();
    },
    stop: async () => {
      if (stopping) return;
      stopping = true;
      nudges.stop();
      authority.stop();
      stopSweeps();
      await presence.stop();
      await ws.close();
      handover.stop();
      // Behind a per-request balancer they poll the other gateways already.
      await letGoOf(sessions, sessions.agents.pollingIds(), liveness, 'gateway stopping');
      stopTls();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await nudges.idle();
      await publisher.stop();
      await effectiveConfigs.drain();
      logger.info({ gatewayId }, 'gateway stopped');
    },
  };
}

/** What the handover offers: both transports' addresses, the CA (read now: an unusable file stops the start), the tokens' lifetime. */
function tokenHandoverSettings(handover: NonNullable<ResolvedGatewayOptions['tokenHandover']>): TokenHandoverSettings {
  const { websocketUrl, httpUrl } = handoverUrls(handover.url);
  let caCertPem: string | null = null;
  if (handover.caFile !== undefined) {
    caCertPem = readFileSync(handover.caFile, 'utf8');
    if (!caCertPem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`GATEWAY_TOKEN_HANDOVER_CA_FILE ${handover.caFile} holds no PEM certificate`);
  }
  return { websocketUrl, httpUrl, caCertPem, ttlMs: handover.ttlSeconds * 1000 };
}

/** Asks the orchestrator for a token of the agent's own, issued from the token its connection showed. */
function tokenIssuer(bus: GatewayPlatform['bus'], gatewayId: string, ttlSeconds: number): (fromTokenId: string, agentId: string) => Promise<{ tokenId: string; text: string }> {
  return async (fromTokenId, agentId) => {
    const request = enrolmentIssueRequestContract.encode({ fromTokenId, agentId, ttlMs: ttlSeconds * 1000, gatewayId });
    const reply = enrolmentIssuedReplyContract.decode(await bus.request(subjects.enrolmentCommand('issue'), request, { timeoutMs: 10_000 }));
    if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
    return { tokenId: reply.result.token.id, text: reply.result.secret };
  };
}

/** The environment variables naming the gateway's TLS files (errors name them). */
const TLS_SETTINGS = { cert: 'GATEWAY_TLS_CERT_FILE', key: 'GATEWAY_TLS_KEY_FILE', clientCa: 'GATEWAY_TLS_CLIENT_CA_FILE' };

/** Plain HTTP, or HTTPS from the TLS files (mTLS with a client CA), reloaded when they change. */
function createPortServer(
  listener: RequestListener,
  tls: TlsFiles | undefined,
  material: TlsMaterial | null,
  reloadMs: number,
  logger: Logger,
): { server: Server; stopTls: () => void } {
  if (tls === undefined || material === null) return { server: createServer(listener), stopTls: () => undefined };
  const mtls = material.clientCa !== null;
  const server = createTlsServer({ ...secureContextOf(material), requestCert: mtls, rejectUnauthorized: mtls }, listener);
  logger.info({ fingerprint: material.fingerprint, notAfter: material.notAfter, mtls }, 'gateway TLS certificate loaded');
  const stopTls = watchTlsFiles(
    tls,
    TLS_SETTINGS,
    reloadMs,
    (next) => {
      server.setSecureContext(secureContextOf(next));
      logger.info({ fingerprint: next.fingerprint, notAfter: next.notAfter }, 'gateway TLS certificate reloaded');
    },
    (error) => logger.error({ err: error.message }, 'gateway TLS files changed but cannot be used; the current certificate stays'),
  );
  return { server, stopTls };
}

function secureContextOf(material: TlsMaterial): { cert: Buffer; key: Buffer; ca?: Buffer } {
  return { cert: material.cert, key: material.key, ...(material.clientCa !== null ? { ca: material.clientCa } : {}) };
}

/** Listens with the kernel's backlog limit rather than Node's 511, so a connect storm is not dropped at the door. */
function listen(server: Server, port: number, host: string, backlog: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** `ws://gw-1:4320/v1/opamp` → `http://gw-1:4320/v1/metrics`: the same host and port, the OTLP/HTTP path. */
export function ownMetricsEndpointOf(advertisedEndpoint: string | undefined, ownBase: string): string {
  if (advertisedEndpoint !== undefined) {
    try {
      const url = new URL(advertisedEndpoint);
      const scheme = url.protocol === 'wss:' || url.protocol === 'https:' ? 'https:' : 'http:';
      return `${scheme}//${url.host}${OWN_METRICS_PATH}`;
    } catch {
      // Not a URL: fall back to this gateway's own address.
    }
  }
  return `${ownBase}${OWN_METRICS_PATH}`;
}

/** `https://lb.example/roost/v1/metrics` → `https://lb.example/roost/v1/logs`: beside the metrics; null when that endpoint does not end in `/v1/metrics`. */
export function ownLogsEndpointOf(ownMetricsEndpoint: string): string | null {
  return ownMetricsEndpoint.endsWith(OWN_METRICS_PATH) ? `${ownMetricsEndpoint.slice(0, -OWN_METRICS_PATH.length)}${OWN_LOGS_PATH}` : null;
}

/**
 * The headers of an own-metrics offer: the agent's id and its proof. The proof is issued only on
 * the agent's authenticated OpAMP connection, so it stands for that authentication; the offer
 * never hands the shared agent token to an agent that connected with an enrolment token.
 */
function ownMetricsHeaders(agentId: string, credentials: OwnMetricsCredentials): { key: string; value: string }[] {
  return [
    { key: AGENT_ID_HEADER, value: agentId },
    { key: AGENT_KEY_HEADER, value: credentials.keyFor(agentId) },
  ];
}
