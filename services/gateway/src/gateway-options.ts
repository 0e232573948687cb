import type { TlsFiles } from '@roost/platform-process';
import type { Logger } from '@roost/ports';

export interface TokenHandoverOptions {
  readonly url: string;
  readonly caFile?: string;
  readonly ttlSeconds?: number;
}

/** Everything `startGateway` can be told; every field has a default (see `resolveGatewayOptions`). */
export interface GatewayOptions {
  /** Stable id of this gateway process: KV key in `gateways` and token of `gateway.<id>.push`. */
  readonly gatewayId?: string;
  /** TCP port; 0 picks a free one (read it back from the running gateway). Default 4320. */
  readonly port?: number;
  /** Listen address. Default `0.0.0.0`. */
  readonly host?: string;
  /** OpAMP path for both transports. Default `/v1/opamp`. */
  readonly path?: string;
  /**
   * Largest AgentToServer accepted, measured after decompression. Default 8 MiB: OpAMP allows
   * 64 MiB, but what a collector sends is its description, health and effective config — tens
   * of KB, a large config a few hundred KB — and Roost keeps configs and effective configs in
   * NATS, whose messages are at most 1 MiB by default. 8 MiB leaves room for eight times that.
   */
  readonly maxMessageBytes?: number;
  /**
   * Bytes held in messages partly received, queued for handling or written and not yet sent,
   * over every connection (see memory-budget.ts). Default: a quarter of the memory limit (the
   * cgroup's, else the machine's), between 32 MiB and 1 GiB.
   */
  readonly memoryBudgetBytes?: number;
  /** Connected agents (WebSocket + live HTTP) above which new ones get 503 / refused upgrades. */
  readonly maxAgents?: number;
  /** Seconds sent in `Retry-After` when over the limit. Default 30. */
  readonly retryAfterSeconds?: number;
  /**
   * PEM files: the port then serves only TLS (`wss://`, `https://`); with `clientCaFile`, agents
   * must present a certificate that CA signed (mTLS). Files are read again when they change
   * (polled every `tlsReloadIntervalMs`) or on SIGHUP.
   */
  readonly tls?: TlsFiles;
  /** How often the TLS files are checked for a change. Default 10 000. */
  readonly tlsReloadIntervalMs?: number;
  /**
   * When set, every OpAMP request and upgrade must carry `Authorization: Bearer <token>` with
   * this token or a valid enrolment token (`roost_et_…`, made with `roost enrolment create`).
   */
  readonly bearerToken?: string;
  /**
   * Only enrolment tokens are accepted (not with `bearerToken`). Default false: without a
   * bearer token, agents need none (an enrolment token shown is still checked and recorded).
   */
  readonly requireEnrolment?: boolean;
  /**
   * Token handover (token-handover.ts): agents that connect with an enrolment token and accept
   * OpAMP connection settings are handed a token of their own in a ConnectionSettingsOffers and
   * reconnect with it. `url`: the OpAMP address agents use (through any load balancer; the
   * scheme is switched between ws(s) and http(s) per transport); `caFile`: PEM of the CA agents
   * must trust, required with wss:// or https:// (an offer without it tells the collector's
   * supervisor to stop verifying the server); `ttlSeconds`: lifetime of the tokens handed over
   * (default 30 days; renewed in their last third). Not with client certificates (mTLS): an
   * agent taking the offer would drop its certificate. Absent: no handover.
   */
  readonly tokenHandover?: TokenHandoverOptions;
  /**
   * Heartbeat interval offered to agents that report heartbeats (and do not accept OpAMP
   * connection settings, which would treat the offer as new server settings). 0 or null: no
   * offer. Also the poll interval assumed for HTTP agents. Default 30.
   */
  readonly heartbeatIntervalSeconds?: number | null;
  /**
   * The poll interval HTTP agents are assumed to use (the Elastic client ignores the offered
   * heartbeat and polls every 30 s by default). Default: the offered interval, at least 30.
   */
  readonly httpPollIntervalSeconds?: number;
  /** An HTTP agent silent for this many poll intervals is disconnected. Default 3. */
  readonly httpMissedPolls?: number;
  /** WebSocket ping period; a peer that missed the previous pong is terminated. Default 30 000. */
  readonly pingIntervalMs?: number;
  /** How long a disconnected agent's state is kept for a reconnect. Default 10 min. */
  readonly retainDisconnectedMs?: number;
  /**
   * A config already sent on the current connection is sent again only after this long without
   * the agent reporting it (covers lost HTTP responses). Default 30 000.
   */
  readonly redeliverAfterMs?: number;
  /** Presence refresh period in the `gateways` bucket; keep well inside its TTL. Default 5 000. */
  readonly presenceRefreshMs?: number;
  /** Agents handled per event-loop turn when a nudge fans a config out. Default 256. */
  readonly pushChunkSize?: number;
  /** Concurrent `agent-desired` reads while reconciling a nudge. Default 128. */
  readonly desiredReadConcurrency?: number;
  /**
   * Every connected agent's `agent-desired` entry is re-read this often and its config
   * delivered if due: the safety net for push nudges lost in a NATS reconnect. Default 30 000.
   */
  readonly desiredResyncMs?: number;
  /** Address advertised in the presence entry, e.g. `ws://gw-1:4320/v1/opamp`. */
  readonly advertisedEndpoint?: string;
  /**
   * Offer `own_metrics` to agents that report ReportsOwnMetrics and `own_logs` to agents that
   * report ReportsOwnLogs, in one offer: they then send their own metrics (OTLP/HTTP) to
   * `POST /v1/metrics` on this port, which data-plane gates read, and their own logs to
   * `POST /v1/logs`, whose error records a failure shows. Default false: taking the offer makes
   * each collector's supervisor restart the collector once.
   */
  readonly ownMetrics?: boolean;
  /** The own-metrics URL offered, as agents reach it (the load balancer's); own logs go to the `/v1/logs` beside it. Default: from advertisedEndpoint, else this gateway's own address. */
  readonly ownMetricsEndpoint?: string;
  /** Key of the per-agent proof in the offer's headers; every gateway behind one address needs the same. Default: random per process. */
  readonly ownMetricsKey?: string;
  readonly logger?: Logger;
  /** Injected for tests: wall clock in ms. */
  readonly now?: () => number;
  /** Injected for tests: 16 random bytes per call (new instance uids). */
  readonly randomBytes?: (size: number) => Uint8Array;
}

export type ResolvedGatewayOptions = Required<Omit<GatewayOptions, 'bearerToken' | 'advertisedEndpoint' | 'heartbeatIntervalSeconds' | 'tls' | 'tokenHandover' | 'ownMetricsEndpoint' | 'ownMetricsKey'>> & {
  readonly ownMetricsEndpoint: string | undefined;
  readonly ownMetricsKey: string | undefined;
  readonly tls: TlsFiles | undefined;
  readonly tokenHandover: { readonly url: string; readonly caFile: string | undefined; readonly ttlSeconds: number } | undefined;
  readonly bearerToken: string | undefined;
  readonly advertisedEndpoint: string | undefined;
  /** 0 = no heartbeat offer. */
  readonly heartbeatIntervalSeconds: number;
};

export const DEFAULT_PORT = 4320;
export const DEFAULT_PATH = '/v1/opamp';
export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export function resolveGatewayOptions(
  options: GatewayOptions,
  defaults: { gatewayId: () => string; now: () => number; randomBytes: (size: number) => Uint8Array; logger: Logger; memoryBudgetBytes: () => number },
): ResolvedGatewayOptions {
  const gatewayId = options.gatewayId ?? defaults.gatewayId();
  if (!/^[-_A-Za-z0-9]+$/.test(gatewayId)) {
    throw new Error(`gatewayId "${gatewayId}" must be one subject token of [-_A-Za-z0-9]`);
  }
  const heartbeatIntervalSeconds = options.heartbeatIntervalSeconds === null ? 0 : (options.heartbeatIntervalSeconds ?? 30);
  if (!Number.isInteger(heartbeatIntervalSeconds) || heartbeatIntervalSeconds < 0) {
    throw new Error(`gateway option heartbeatIntervalSeconds must be a whole number of seconds >= 0, got ${heartbeatIntervalSeconds}`);
  }
  const maxMessageBytes = positive(options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, 'maxMessageBytes');
  const memoryBudgetBytes = positive(options.memoryBudgetBytes, defaults.memoryBudgetBytes(), 'memoryBudgetBytes');
  if (memoryBudgetBytes < maxMessageBytes) {
    throw new Error(`gateway option memoryBudgetBytes (${memoryBudgetBytes}) must be at least maxMessageBytes (${maxMessageBytes}), or no message that large could be received`);
  }
  return {
    gatewayId,
    port: options.port ?? DEFAULT_PORT,
    host: options.host ?? '0.0.0.0',
    path: options.path ?? DEFAULT_PATH,
    maxMessageBytes,
    memoryBudgetBytes,
    maxAgents: positive(options.maxAgents, 50_000, 'maxAgents'),
    retryAfterSeconds: positive(options.retryAfterSeconds, 30, 'retryAfterSeconds'),
    tls: options.tls,
    tlsReloadIntervalMs: positive(options.tlsReloadIntervalMs, 10_000, 'tlsReloadIntervalMs'),
    bearerToken: options.bearerToken === '' ? undefined : options.bearerToken,
    requireEnrolment: requireEnrolment(options),
    tokenHandover: tokenHandoverOf(options),
    heartbeatIntervalSeconds,
    httpPollIntervalSeconds: positive(options.httpPollIntervalSeconds, Math.max(30, heartbeatIntervalSeconds), 'httpPollIntervalSeconds'),
    httpMissedPolls: positive(options.httpMissedPolls, 3, 'httpMissedPolls'),
    pingIntervalMs: positive(options.pingIntervalMs, 30_000, 'pingIntervalMs'),
    retainDisconnectedMs: positive(options.retainDisconnectedMs, 10 * 60_000, 'retainDisconnectedMs'),
    redeliverAfterMs: positive(options.redeliverAfterMs, 30_000, 'redeliverAfterMs'),
    presenceRefreshMs: positive(options.presenceRefreshMs, 5_000, 'presenceRefreshMs'),
    pushChunkSize: positive(options.pushChunkSize, 256, 'pushChunkSize'),
    desiredReadConcurrency: positive(options.desiredReadConcurrency, 128, 'desiredReadConcurrency'),
    desiredResyncMs: positive(options.desiredResyncMs, 30_000, 'desiredResyncMs'),
    advertisedEndpoint: options.advertisedEndpoint,
    ownMetrics: options.ownMetrics ?? false,
    ownMetricsEndpoint: options.ownMetricsEndpoint === '' ? undefined : options.ownMetricsEndpoint,
    ownMetricsKey: options.ownMetricsKey === '' ? undefined : options.ownMetricsKey,
    logger: options.logger ?? defaults.logger,
    now: options.now ?? defaults.now,
    randomBytes: options.randomBytes ?? defaults.randomBytes,
  };
}

const MAX_HANDOVER_TTL_SECONDS = 3650 * 24 * 3600;

function tokenHandoverOf(options: GatewayOptions): ResolvedGatewayOptions['tokenHandover'] {
  const handover = options.tokenHandover;
  if (handover === undefined || handover.url === '') return undefined;
  const protocol = /^([a-z]+):\/\//.exec(handover.url)?.[1];
  if (protocol === undefined || !['ws', 'wss', 'http', 'https'].includes(protocol)) {
    throw new Error(`gateway option tokenHandover.url "${handover.url}" must be the OpAMP address agents use: ws://, wss://, http:// or https://`);
  }
  if ((protocol === 'wss' || protocol === 'https') && handover.caFile === undefined) {
    throw new Error('gateway option tokenHandover.caFile is needed with a wss:// or https:// address: an offer without the CA tells the collector supervisor to stop verifying the server certificate');
  }
  if (options.tls?.clientCaFile !== undefined) {
    throw new Error('gateway option tokenHandover cannot go with client certificates (tls.clientCaFile): an agent taking the offer would drop its certificate');
  }
  const ttlSeconds = positive(handover.ttlSeconds, 30 * 24 * 3600, 'tokenHandover.ttlSeconds');
  if (ttlSeconds > MAX_HANDOVER_TTL_SECONDS) throw new Error(`gateway option tokenHandover.ttlSeconds must be at most ten years (${MAX_HANDOVER_TTL_SECONDS}), got ${ttlSeconds}`);
  return { url: handover.url, caFile: handover.caFile, ttlSeconds };
}

function requireEnrolment(options: GatewayOptions): boolean {
  const required = options.requireEnrolment ?? false;
  if (required && options.bearerToken !== undefined && options.bearerToken !== '') {
    throw new Error('gateway options bearerToken and requireEnrolment exclude each other: with enrolment tokens required, the shared token would not be accepted; unset one');
  }
  return required;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`gateway option ${name} must be a positive number, got ${value}`);
  return value;
}
