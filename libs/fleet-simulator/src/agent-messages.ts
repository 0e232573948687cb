import { createHash } from 'node:crypto';
import Long from 'long';
import { AgentCapability, RemoteConfigStatuses, bitsOf, type AgentToServerInit } from '@roost/opamp';
import type { AgentReport, HeldConfig } from './behaviour';
import type { AgentPlan } from './fleet-plan';

/** What a collector under the OpAMP supervisor advertises (no heartbeats: the transport shows liveness). */
export const SIMULATED_CAPABILITIES = bitsOf(
  AgentCapability.ReportsStatus,
  AgentCapability.AcceptsRemoteConfig,
  AgentCapability.ReportsEffectiveConfig,
  AgentCapability.ReportsRemoteConfig,
  AgentCapability.ReportsHealth,
);

/** … and with `capabilities.reports_own_metrics: true`: it sends its own metrics where it is offered. */
export const REPORTS_OWN_METRICS = bitsOf(AgentCapability.ReportsOwnMetrics);

/** The config a collector runs before any remote config: its own local file. */
export const LOCAL_CONFIG: HeldConfig = {
  hash: null,
  body: [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      grpc:',
    '        endpoint: 0.0.0.0:4317',
    'exporters:',
    '  debug: {}',
    'service:',
    '  pipelines:',
    '    traces:',
    '      receivers: [otlp]',
    '      exporters: [debug]',
    '',
  ].join('\n'),
};

const STATUS = {
  APPLIED: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
  APPLYING: RemoteConfigStatuses.RemoteConfigStatuses_APPLYING,
  FAILED: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
} as const;

/**
 * AvailableComponents as a collector's OpAMP extension sends it: the hash alone (the full list
 * when the server asks, `withList`), kinds (`receivers`) holding their types (`otlp`).
 * `components` are `kind/type`.
 */
export function availableComponentsOf(components: readonly string[], withList: boolean): AgentToServerInit['availableComponents'] {
  const hash = createHash('sha256').update(components.join('\n')).digest();
  if (!withList) return { hash };
  const kinds: Record<string, { subComponentMap: Record<string, object> }> = {};
  for (const component of components) {
    const [kind, type] = component.split('/', 2) as [string, string | undefined];
    const entry = (kinds[kind] ??= { subComponentMap: {} });
    if (type !== undefined) entry.subComponentMap[type] = {};
  }
  return { hash, components: kinds };
}

type RemoteStatus = NonNullable<AgentReport['remoteStatus']>;
type Health = NonNullable<AgentReport['health']>;

/** Identifying `service.*` attributes (the environment names the agent's group), non-identifying host and region. */
export function descriptionOf(plan: AgentPlan): AgentToServerInit['agentDescription'] {
  const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    identifyingAttributes: [
      text('service.name', 'otelcol-contrib'),
      text('service.instance.id', plan.agentId),
      text('service.version', '0.118.0'),
      text('service.environment', plan.environment),
    ],
    nonIdentifyingAttributes: [text('host.name', plan.hostName), text('os.type', 'linux'), text('host.arch', 'amd64'), text('cloud.region', plan.region)],
  };
}

export function healthOf(health: Health, startedAtMs: number, nowMs: number): AgentToServerInit['health'] {
  return {
    healthy: health.healthy,
    status: health.healthy ? 'StatusOK' : 'StatusRecoverableError',
    lastError: health.lastError,
    startTimeUnixNano: nanos(startedAtMs),
    statusTimeUnixNano: nanos(nowMs),
  };
}

/** The remote config status; null = the agent never had a remote config (UNSET). */
export function remoteStatusOf(status: RemoteStatus | null): AgentToServerInit['remoteConfigStatus'] {
  if (status === null) return { status: RemoteConfigStatuses.RemoteConfigStatuses_UNSET };
  return { lastRemoteConfigHash: Buffer.from(status.hash, 'hex'), status: STATUS[status.status], errorMessage: status.error ?? '' };
}

export function effectiveConfigOf(config: HeldConfig): AgentToServerInit['effectiveConfig'] {
  return { configMap: { configMap: config.files ?? { '': { body: Buffer.from(config.body), contentType: 'text/yaml' } } } };
}

function nanos(ms: number): Long {
  return Long.fromNumber(ms, true).multiply(1_000_000);
}
