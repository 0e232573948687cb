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
    server: { endpoint: o.serverUrl, ...(o.serverUrl.startsWith('ws://') || o.serverUrl.startsWith('http://') ? { tls: { insecure: true } } : {}) },
    capabilities: SUPERVISOR_CAPABILITIES,
    agent: {
      executable: o.collectorPath,
      instance_id: o.instanceUid,
      config_apply_timeout: o.configApplyTimeout ?? '2s',
      args: [...COLLECTOR_ARGS],
      description: { identifying_attributes: { ...o.identifying } },
      env: { ...o.env },
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
