/**
 * The opampsupervisor's own config, as the interop suite runs it (and as docs/operations.md shows
 * it). Pure: options in, YAML text out.
 */
import { stringify } from 'yaml';

export interface SupervisorConfigOptions {
  /** ws://host:port/v1/opamp (WebSocket) or http://host:port/v1/opamp (plain HTTP). */
  readonly serverUrl: string;
  /** The collector binary the supervisor runs. */
  readonly collectorPath: string;
  /** Where the supervisor keeps its state and writes the collector's config (effective.yaml). */
  readonly storageDir: string;
  /** The agent's instance uid (a UUID); the supervisor persists it in its storage directory. */
  readonly instanceUid: string;
  /** Identifying attributes; Roost groups agents by service.environment. */
  readonly identifying: Readonly<Record<string, string>>;
  /** Environment of the collector process: a remote config shared by a group reads its ports from here with ${env:NAME}. */
  readonly env: Readonly<Record<string, string>>;
  /** How long the supervisor waits for a healthy collector before it reports APPLIED (else FAILED). Default 2s. */
  readonly configApplyTimeout?: string;
  /** The supervisor's own log file. */
  readonly logFile: string;
  /**
   * Own telemetry (data-plane gates, the collector's own errors): the collector runs through
   * `launcher` (see collectorLauncherScript) and exports its metrics every `exportIntervalMs`,
   * and its logs, once Roost offers where to (the supervisor then also reports ReportsOwnLogs).
   * Absent: the collector's own metrics are off.
   */
  readonly ownMetrics?: { readonly launcher: string; readonly exportIntervalMs: number };
  /** Request headers to the server (`Authorization: Bearer <token>`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Take OpAMP connection settings the server offers (accepts_opamp_connection_settings). */
  readonly acceptsOpampConnectionSettings?: boolean;
}

/** The capabilities the suite turns on; every one is an OpAMP capability Roost reads. */
export const SUPERVISOR_CAPABILITIES = {
  accepts_remote_config: true,
  reports_remote_config: true,
  reports_effective_config: true,
  reports_health: true,
  reports_available_components: true,
  reports_own_metrics: true,
} as const;

export function supervisorConfigYaml(o: SupervisorConfigOptions): string {
  const config = {
    server: {
      endpoint: o.serverUrl,
      ...(o.headers === undefined ? {} : { headers: { ...o.headers } }),
      ...(o.serverUrl.startsWith('ws://') || o.serverUrl.startsWith('http://') ? { tls: { insecure: true } } : {}),
    },
    capabilities: {
      ...SUPERVISOR_CAPABILITIES,
      ...(o.ownMetrics === undefined ? {} : { reports_own_logs: true }),
      ...(o.acceptsOpampConnectionSettings === true ? { accepts_opamp_connection_settings: true } : {}),
    },
    agent: {
      executable: o.ownMetrics?.launcher ?? o.collectorPath,
      instance_id: o.instanceUid,
      config_apply_timeout: o.configApplyTimeout ?? '2s',
      args: o.ownMetrics === undefined ? [...COLLECTOR_ARGS] : [],
      description: { identifying_attributes: { ...o.identifying } },
      // The SDK's periodic reader reads its interval from here (the supervisor's offer sets none: 60 s by default).
      env: { ...o.env, ...(o.ownMetrics === undefined ? {} : { OTEL_METRIC_EXPORT_INTERVAL: String(o.ownMetrics.exportIntervalMs) }) },
      passthrough_logs: true,
    },
    storage: { directory: o.storageDir },
    telemetry: { logs: { level: 'debug', output_paths: [o.logFile], error_output_paths: [o.logFile] } },
  };
  return stringify(config);
}

/**
 * Extra arguments for every collector run, the supervisor's bootstrap run included: no listener
 * for the collector's own metrics (by default each binds localhost:8888, so a second collector on
 * the host fails to start). A local config file would not do: the bootstrap run ignores them.
 */
export const COLLECTOR_ARGS = ['--set=service::telemetry::metrics::level=none'] as const;

/**
 * The collector, run through a small launcher when its own metrics are on. A collector whose
 * config names no metric reader binds localhost:8888 for them (the default), so a second one on
 * the host fails to start: every run whose config has no OTLP reader yet — the supervisor's
 * bootstrap run, runs before Roost's offer — gets COLLECTOR_ARGS, as without own metrics; runs
 * with the offered `periodic` reader run the collector unchanged. `exec` keeps the pid the
 * supervisor started, and /proc shows the collector's own path for it.
 */
export function collectorLauncherScript(collectorPath: string): string {
  return [
    '#!/bin/sh',
    'config=""; previous=""',
    'for arg in "$@"; do [ "$previous" = "--config" ] && config="$arg"; previous="$arg"; done',
    `if [ -n "$config" ] && grep -q "periodic:" "$config" 2>/dev/null; then exec ${JSON.stringify(collectorPath)} "$@"; fi`,
    `exec ${JSON.stringify(collectorPath)} "$@" ${COLLECTOR_ARGS.map((arg) => JSON.stringify(arg)).join(' ')}`,
    '',
  ].join('\n');
}
