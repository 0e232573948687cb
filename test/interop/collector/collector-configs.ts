/**
 * Remote configs the collector suites roll out. One config serves a whole group: each collector
 * reads its own port from its environment (${env:NAME}, set per supervisor).
 */

/**
 * A good config: OTLP over HTTP on the collector's own ${env:portName}, through memory_limiter and
 * a batch processor named after `label` (batch/<label>), which shows in the config the supervisor
 * writes for the collector (comments do not survive its rewrite).
 */
export function otlpConfig(portName: string, label: string, options: { readonly receiverExtra?: readonly string[]; readonly endpoint?: string } = {}): string {
  return [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      http:',
    `        endpoint: ${options.endpoint ?? `127.0.0.1:\${env:${portName}}`}`,
    ...(options.receiverExtra ?? []).map((line) => `        ${line}`),
    'processors:',
    '  memory_limiter:',
    '    check_interval: 1s',
    '    limit_mib: 256',
    `  batch/${label}: {}`,
    'exporters:',
    '  nop: {}',
    '  debug:',
    '    verbosity: basic',
    'service:',
    '  pipelines:',
    '    traces:',
    '      receivers: [otlp]',
    `      processors: [memory_limiter, batch/${label}]`,
    '      exporters: [nop]',
    '',
  ].join('\n');
}

/**
 * Configs Roost's own checks accept but the collector refuses at start, by what is wrong. Each
 * is built on `portName` so it differs from the good configs only where it is bad.
 */
export const BAD_CONFIGS = {
  'an unknown key': (portName: string) => otlpConfig(portName, 'bad_unknown_key', { receiverExtra: ['no_such_setting: true'] }),
  'an invalid endpoint': (portName: string) => otlpConfig(portName, 'bad_endpoint', { endpoint: '127.0.0.1:99999' }),
  /** The suite holds every collector's `takenPortName` port open, so the receiver cannot bind it. */
  'a port already taken': (_portName: string, takenPortName: string) => otlpConfig(takenPortName, 'bad_port_taken'),
} as const;

export type BadConfigKind = keyof typeof BAD_CONFIGS;

/**
 * A config that exports what the collector receives: OTLP over HTTP on ${env:portName} in, a
 * batch processor named after `label`, an `otlphttp` exporter to `backendUrl` out. Retries are
 * off, so a refused batch counts at once in otelcol_exporter_send_failed_spans (with the default
 * retries it would count only after five minutes of trying, meanwhile filling the queue).
 */
export function exportingConfig(portName: string, label: string, backendUrl: string): string {
  return [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      http:',
    `        endpoint: 127.0.0.1:\${env:${portName}}`,
    'processors:',
    `  batch/${label}:`,
    '    timeout: 200ms',
    'exporters:',
    '  otlphttp:',
    `    endpoint: ${backendUrl}`,
    '    retry_on_failure:',
    '      enabled: false',
    'service:',
    '  pipelines:',
    '    traces:',
    '      receivers: [otlp]',
    `      processors: [batch/${label}]`,
    '      exporters: [otlphttp]',
    '',
  ].join('\n');
}
