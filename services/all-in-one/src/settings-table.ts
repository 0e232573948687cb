/**
 * Every setting of the `roost` server binary: its flag, its environment variable, its default
 * and what it means. The parser and `--help` both read this table, so they cannot disagree.
 */
export interface SettingSpec {
  readonly flag: string;
  readonly env: string;
  readonly kind: 'text' | 'port' | 'number' | 'list';
  /** Shown in --help; `undefined` = unset unless given. */
  readonly fallback?: string;
  readonly help: string;
}

export const SETTINGS = {
  host: { flag: 'host', env: 'ROOST_HOST', kind: 'text', fallback: '127.0.0.1', help: 'listen address of every endpoint; 0.0.0.0 to accept remote agents and clients' },
  gatewayPort: { flag: 'gateway-port', env: 'GATEWAY_PORT', kind: 'port', fallback: '4320', help: 'OpAMP port (WebSocket and plain HTTP, path /v1/opamp; also /metrics, /healthz, /readyz); 0 picks a free one' },
  projectorPort: { flag: 'projector-port', env: 'PROJECTOR_PORT', kind: 'port', fallback: '4330', help: 'projector probes and metrics (/readyz, /healthz, /metrics); 0 picks a free one' },
  orchestratorPort: { flag: 'orchestrator-port', env: 'ORCHESTRATOR_PORT', kind: 'port', fallback: '4340', help: 'orchestrator metrics and liveness (/metrics, /healthz); 0 picks a free one' },
  adminPort: { flag: 'admin-port', env: 'ADMIN_HTTP_PORT', kind: 'port', fallback: '8080', help: 'admin API over HTTP (JSON under /api/v1, server-sent events, /api/v1/openapi.json; the original POST /api/rollout); 0 picks a free one' },
  grpcPort: { flag: 'grpc-port', env: 'ADMIN_GRPC_PORT', kind: 'port', fallback: '9090', help: 'admin API over gRPC (roost.admin.v1, health, reflection); 0 picks a free one, off serves no gRPC' },
  apiTokens: { flag: 'api-tokens', env: 'ROOST_API_TOKENS', kind: 'list', help: 'admin API tokens as name:role:sha256 (role viewer, operator or admin; sha256 of the token: printf %s "$TOKEN" | sha256sum)' },
  anonymousRole: { flag: 'anonymous-role', env: 'ROOST_ANONYMOUS_ROLE', kind: 'text', fallback: 'admin without tokens (on a loopback host only), none with tokens', help: 'role of admin requests without a token: viewer, operator, admin or none' },
  agentToken: { flag: 'agent-token', env: 'GATEWAY_BEARER_TOKEN', kind: 'text', help: 'shared bearer token agents present to the gateway (or an enrolment token, roost enrolment create); unset = none needed' },
  requireEnrolment: {
    flag: 'require-enrolment',
    env: 'GATEWAY_REQUIRE_ENROLMENT',
    kind: 'text',
    fallback: 'false',
    help: 'true: agents must present an enrolment token (roost_et_…, roost enrolment create); not with --agent-token',
  },
  tokenHandoverUrl: {
    flag: 'token-handover-url',
    env: 'GATEWAY_TOKEN_HANDOVER_URL',
    kind: 'text',
    help: 'the OpAMP address agents use (ws(s):// or http(s)://): agents that show an enrolment token and accept OpAMP connection settings are handed a token of their own and reconnect with it; unset = no handover',
  },
  tokenHandoverCaFile: { flag: 'token-handover-ca-file', env: 'GATEWAY_TOKEN_HANDOVER_CA_FILE', kind: 'text', help: 'PEM CA put in the handover offer; needed with a wss:// or https:// address' },
  tokenHandoverTtlSeconds: { flag: 'token-handover-ttl-seconds', env: 'GATEWAY_TOKEN_HANDOVER_TTL_SECONDS', kind: 'number', fallback: '2592000', help: 'lifetime of the tokens handed over (30 days); renewed in their last third' },
  gatewayMaxMessageBytes: { flag: 'max-message-bytes', env: 'GATEWAY_MAX_MESSAGE_BYTES', kind: 'number', fallback: '8388608', help: 'largest message an agent may send the gateway, after decompression (8 MiB)' },
  gatewayMemoryBudgetBytes: {
    flag: 'memory-budget-bytes',
    env: 'GATEWAY_MEMORY_BUDGET_BYTES',
    kind: 'number',
    fallback: 'a quarter of the memory limit, 32 MiB to 1 GiB',
    help: 'bytes the gateway holds in messages partly received, queued or unsent, over all connections; past it sockets are cut off (1013) and HTTP bodies refused (503)',
  },
  adminBodyBudgetBytes: {
    flag: 'admin-body-budget-bytes',
    env: 'ADMIN_BODY_BUDGET_BYTES',
    kind: 'number',
    fallback: '67108864',
    help: 'bytes the admin API holds in request bodies being received, over every request (64 MiB); past it a body is refused with 503 and Retry-After',
  },
  gatewayTlsCert: { flag: 'gateway-tls-cert', env: 'GATEWAY_TLS_CERT_FILE', kind: 'text', help: 'PEM certificate (chain) of the OpAMP port: it then serves only wss:// and https://; with --gateway-tls-key' },
  gatewayTlsKey: { flag: 'gateway-tls-key', env: 'GATEWAY_TLS_KEY_FILE', kind: 'text', help: 'PEM private key of that certificate' },
  gatewayTlsClientCa: { flag: 'gateway-tls-client-ca', env: 'GATEWAY_TLS_CLIENT_CA_FILE', kind: 'text', help: 'PEM CA: agents must present a certificate it signed (mTLS); unset = none asked' },
  adminTlsCert: { flag: 'admin-tls-cert', env: 'ADMIN_TLS_CERT_FILE', kind: 'text', help: 'PEM certificate (chain) of the admin API: HTTP and gRPC then serve only TLS; with --admin-tls-key' },
  adminTlsKey: { flag: 'admin-tls-key', env: 'ADMIN_TLS_KEY_FILE', kind: 'text', help: 'PEM private key of that certificate' },
  adminTlsClientCa: { flag: 'admin-tls-client-ca', env: 'ADMIN_TLS_CLIENT_CA_FILE', kind: 'text', help: 'PEM CA: admin clients must present a certificate it signed (mTLS); unset = none asked' },
  natsUrl: { flag: 'nats-url', env: 'NATS_URL', kind: 'text', help: 'NATS servers (comma-separated); unset = in-memory bus, event store and key-value (nothing kept)' },
  redisUrl: { flag: 'redis-url', env: 'REDIS_URL', kind: 'text', help: 'Redis for the read models; unset = in-memory views' },
  redisSentinels: { flag: 'redis-sentinels', env: 'REDIS_SENTINELS', kind: 'list', help: 'Redis Sentinels (host:port, comma-separated) that name the primary holding the read models, followed across failovers; REDIS_URL then gives only user, password and db' },
  redisSentinelMaster: { flag: 'redis-sentinel-master', env: 'REDIS_SENTINEL_MASTER', kind: 'text', fallback: 'mymaster', help: "the Sentinels' name of the primary (sentinel monitor <name> ...)" },
  gatewayId: { flag: 'gateway-id', env: 'GATEWAY_ID', kind: 'text', help: 'unique id of this gateway (one token of [-_A-Za-z0-9]); default host name and random' },
  orchestratorId: { flag: 'orchestrator-id', env: 'ORCHESTRATOR_ID', kind: 'text', help: 'unique id of this orchestrator; default host name, pid and random' },
  ownMetrics: {
    flag: 'own-metrics',
    env: 'GATEWAY_OWN_METRICS',
    kind: 'text',
    fallback: 'off',
    help: 'on: offer own_metrics and own_logs to agents that report ReportsOwnMetrics / ReportsOwnLogs (they send their own metrics to POST /v1/metrics and their own logs to POST /v1/logs on the OpAMP port; data-plane gates read the metrics, a failed agent shows its collector\'s error records); each collector restarts once to take it',
  },
  ownMetricsEndpoint: { flag: 'own-metrics-endpoint', env: 'GATEWAY_OWN_METRICS_ENDPOINT', kind: 'text', help: 'the own-metrics URL offered, as agents reach it (a load balancer); own logs go to the /v1/logs beside it; default http(s)://<host>:<gateway port>/v1/metrics' },
  ownMetricsKey: { flag: 'own-metrics-key', env: 'GATEWAY_OWN_METRICS_KEY', kind: 'text', help: 'key of the per-agent proof in the own-metrics offer; every gateway behind one address needs the same; unset = random per process' },
  heartbeatSeconds: { flag: 'heartbeat-interval-seconds', env: 'GATEWAY_HEARTBEAT_INTERVAL_SECONDS', kind: 'number', fallback: '30', help: 'heartbeat interval offered to agents that report heartbeats; 0 = no offer' },
  webhookUrls: { flag: 'webhook-url', env: 'ROOST_WEBHOOK_URLS', kind: 'list', help: 'rollout notifications (a phase awaiting approval; paused, completed, failed, rolled back, aborted) go to these URLs (comma-separated)' },
  webhookSecret: { flag: 'webhook-secret', env: 'ROOST_WEBHOOK_SECRET', kind: 'text', help: 'signs every webhook delivery: Roost-Signature is v1= and the hex HMAC-SHA256 of "<Roost-Timestamp>.<body>" with this secret; unset = unsigned' },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL', kind: 'text', fallback: 'info', help: 'trace, debug, info, warn, error or silent' },
  logFormat: { flag: 'log-format', env: 'LOG_FORMAT', kind: 'text', fallback: 'pretty on a terminal, else json', help: 'json (one object per line) or pretty' },
  shutdownTimeoutMs: { flag: 'shutdown-timeout-ms', env: 'ROOST_SHUTDOWN_TIMEOUT_MS', kind: 'number', fallback: '20000', help: 'longest graceful stop before the process exits anyway (exit code 1)' },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;
