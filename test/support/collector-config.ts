/** A valid collector config; `variant` changes its content (and so its hash), `marker` is a first line. */
export function collectorYaml(variant: string, options: { marker?: string } = {}): string {
  return [
    ...(options.marker ? [options.marker] : []),
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      grpc:',
    '        endpoint: 0.0.0.0:4317',
    'exporters:',
    '  debug:',
    `    verbosity: ${variant}`,
    'service:',
    '  pipelines:',
    '    traces:',
    '      receivers: [otlp]',
    '      exporters: [debug]',
    '',
  ].join('\n');
}

/** Timeouts short enough for tests; the defaults stay as designed, and plans set their own windows. */
export const TEST_TIMING = { applyTimeoutMs: 8_000, disconnectGraceMs: 1_000, healthGraceMs: 1_000 };
