import type { OpampError } from '@roost/opamp';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Transport = 'websocket' | 'http';

/** Why an incoming message was refused before reaching the handler. */
export type DecodeErrorReason =
  | 'non_binary_frame'
  | 'bad_header'
  | 'bad_protobuf'
  | 'bad_instance_uid'
  | 'too_large'
  | 'bad_gzip'
  | 'bad_content_type';

/** The metrics label of a message the OpAMP library refused to decode. */
export function decodeErrorReason(error: OpampError): DecodeErrorReason {
  switch (error.code) {
    case 'opamp.message.too_large':
      return 'too_large';
    case 'opamp.frame.nonzero_header':
    case 'opamp.frame.malformed_header':
      return 'bad_header';
    case 'opamp.instance_uid.length':
    case 'opamp.instance_uid.malformed':
      return 'bad_instance_uid';
    case 'opamp.message.malformed':
    case 'opamp.message.unencodable':
      return 'bad_protobuf';
    default:
      return assertNever(error.code);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}

/**
 * The gateway's Prometheus metrics, in a registry of its own so that several gateways in one
 * process (tests, all-in-one) never collide.
 */
export interface GatewayMetrics {
  readonly registry: Registry;
  readonly agents: Gauge<'transport'>;
  readonly messagesIn: Counter<'transport'>;
  readonly messagesOut: Counter<'transport'>;
  /** Reports superseded while queued by a newer one of the same agent (superseded-reports.ts); not in messagesIn. */
  readonly messagesSuperseded: Counter<'transport'>;
  readonly decodeErrors: Counter<'transport' | 'reason'>;
  readonly fleetEvents: Counter<'kind'>;
  readonly fleetEventFailures: Counter;
  readonly configsSent: Counter<'transport'>;
  readonly pushToApplied: Histogram;
  readonly refusedConnections: Counter<'reason'>;
  /** Own-metrics exports (POST /v1/metrics) by outcome. */
  readonly ownMetricsExports: Counter<'outcome'>;
  readonly ownLogsExports: Counter<'outcome'>;
  readonly duplicateUids: Counter;
  readonly tokenHandovers: Counter<'kind' | 'outcome'>;
  readonly messageBytesHeld: Gauge<'pool'>;
  readonly messageBytesBudget: Gauge<'pool'>;
}

export function createGatewayMetrics(gatewayId: string): GatewayMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ gateway: gatewayId });
  return {
    registry,
    agents: new Gauge({ name: 'roost_gateway_agents', help: 'Connected agents by transport', labelNames: ['transport'], registers: [registry] }),
    messagesIn: new Counter({ name: 'roost_gateway_messages_received_total', help: 'AgentToServer messages decoded', labelNames: ['transport'], registers: [registry] }),
    messagesSuperseded: new Counter({
      name: 'roost_gateway_messages_superseded_total',
      help: 'AgentToServer reports superseded while queued by a newer one of the same agent that changes nothing but a time, counted when answered with it (not decoded)',
      labelNames: ['transport'],
      registers: [registry],
    }),
    messagesOut: new Counter({ name: 'roost_gateway_messages_sent_total', help: 'ServerToAgent messages sent', labelNames: ['transport'], registers: [registry] }),
    decodeErrors: new Counter({
      name: 'roost_gateway_decode_errors_total',
      help: 'Incoming messages refused as malformed, by reason',
      labelNames: ['transport', 'reason'],
      registers: [registry],
    }),
    fleetEvents: new Counter({ name: 'roost_gateway_fleet_events_total', help: 'Fleet events published, by kind', labelNames: ['kind'], registers: [registry] }),
    fleetEventFailures: new Counter({ name: 'roost_gateway_fleet_event_failures_total', help: 'Fleet events that could not be appended', registers: [registry] }),
    configsSent: new Counter({ name: 'roost_gateway_remote_configs_sent_total', help: 'remote_config offers sent to agents', labelNames: ['transport'], registers: [registry] }),
    pushToApplied: new Histogram({
      name: 'roost_gateway_push_to_applied_seconds',
      help: 'Time from sending a remote config to the agent reporting it APPLIED',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    ownMetricsExports: new Counter({
      name: 'roost_gateway_own_metrics_exports_total',
      help: "Agents' own-metrics exports (POST /v1/metrics), by outcome (accepted, not_attributed, unsupported_media_type, malformed, too_large, refused)",
      labelNames: ['outcome'],
      registers: [registry],
    }),
    ownLogsExports: new Counter({
      name: 'roost_gateway_own_logs_exports_total',
      help: "Agents' own-logs exports (POST /v1/logs), by outcome (accepted, not_attributed, unsupported_media_type, malformed, too_large, refused)",
      labelNames: ['outcome'],
      registers: [registry],
    }),
    refusedConnections: new Counter({
      name: 'roost_gateway_refused_total',
      help: 'Requests, upgrades and sockets refused or cut off before OpAMP handling, by reason (unauthorised, auth_unavailable, out_of_scope, token_gone, over_capacity, memory_budget, pre_auth_budget, slow_sender, slow_reader)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    tokenHandovers: new Counter({
      name: 'roost_gateway_token_handovers_total',
      help: 'Tokens of their own handed over to agents, by kind (exchange: for a group token; renew: for its own token near expiry) and outcome (offered; failed: not issued)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    duplicateUids: new Counter({
      name: 'roost_gateway_duplicate_instance_uids_total',
      help: 'WebSocket agents that claimed an instance uid another live connection held and were assigned a new one',
      registers: [registry],
    }),
    messageBytesHeld: new Gauge({
      name: 'roost_gateway_message_bytes_held',
      help: 'Bytes held in messages partly received, queued or not yet written (pool all), of which by connections not yet past their first message (pool pre_auth)',
      labelNames: ['pool'],
      registers: [registry],
    }),
    messageBytesBudget: new Gauge({
      name: 'roost_gateway_message_bytes_budget',
      help: 'The memory budget for messages (pool all) and its pre-authentication pool (pool pre_auth)',
      labelNames: ['pool'],
      registers: [registry],
    }),
  };
}
