import { checkCollectorConfig, LARGE_CONFIG_BYTES } from './collector-config-check';

const GOOD = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
exporters:
  debug: {}
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [debug]
`;

const codes = (text: string): string[] => checkCollectorConfig(text).errors.map((e) => e.code);

describe('collector config check', () => {
  it('accepts the original design example without findings', () => {
    expect(checkCollectorConfig(GOOD)).toEqual({ errors: [], warnings: [] });
  });

  it('accepts a very large config with a size warning, and a config just under the limit without one', () => {
    const padded = (bytes: number): string => `${GOOD}# ${'x'.repeat(bytes - GOOD.length - 3)}\n`;
    expect(Buffer.byteLength(padded(LARGE_CONFIG_BYTES))).toBe(LARGE_CONFIG_BYTES);
    expect(checkCollectorConfig(padded(LARGE_CONFIG_BYTES))).toEqual({ errors: [], warnings: [] });
    const large = checkCollectorConfig(padded(LARGE_CONFIG_BYTES + 1024));
    expect(large.errors).toEqual([]);
    expect(large.warnings.map((w) => w.code)).toEqual(['config.large']);
    expect(large.warnings[0]?.message).toContain('the config is 257 KiB');
  });

  it('refuses YAML that does not parse, with line and column', () => {
    const [error] = checkCollectorConfig('receivers:\n  otlp: [grpc\nexporters:\n  debug: {}\n').errors;
    expect(error).toMatchObject({ code: 'config.yaml_syntax', line: 3, column: 1 });
    expect(error?.message).toMatch(/^YAML does not parse: .+ \(line 3, column 1\)$/);
  });

  it('refuses duplicate keys as a syntax error at the second key', () => {
    const [error] = checkCollectorConfig('exporters:\n  debug: {}\nexporters:\n  otlp: {}\n').errors;
    expect(error).toMatchObject({ code: 'config.yaml_syntax', line: 3 });
  });

  it('refuses a pipeline that references an undefined component, naming it and its place', () => {
    const text = GOOD.replace('exporters: [debug]', 'exporters: [debug, otlphttp]');
    const { errors } = checkCollectorConfig(text);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'config.undefined_component', path: 'service.pipelines.traces.exporters[1]', line: 12, column: 26 }),
    ]);
    expect(errors[0]?.message).toContain('exporter "otlphttp", which is not defined under exporters or connectors');
  });

  it('refuses a config that stops after the receiver, saying it has no pipelines', () => {
    const { errors } = checkCollectorConfig('receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\n');
    expect(errors.map((e) => e.code)).toEqual(['config.no_pipelines']);
    expect(errors[0]?.message).toMatch(/no service\.pipelines/);
  });

  it('refuses pipelines without receivers or without exporters', () => {
    const text = `receivers: {otlp: {}}\nexporters: {debug: {}}\nservice:\n  pipelines:\n    traces:\n      exporters: [debug]\n    logs:\n      receivers: [otlp]\n      exporters: []\n`;
    expect(codes(text)).toEqual(['config.pipeline_no_receivers', 'config.pipeline_no_exporters']);
  });

  it('refuses unknown signals, unknown sections, bad ids and duplicate references', () => {
    const text = `receivers: {otlp: {}, "9bad": {}}\nexporters: {debug: {}}\nextra: 1\nservice:\n  pipelines:\n    spans:\n      receivers: [otlp, otlp]\n      exporters: [debug]\n`;
    expect(codes(text).sort()).toEqual(['config.duplicate_reference', 'config.invalid_component_id', 'config.pipeline_unknown_signal', 'config.unknown_section']);
  });

  it('accepts a connector used on both sides and refuses one used on a single side', () => {
    const joined = `receivers: {otlp: {}}\nexporters: {debug: {}}\nconnectors: {count: {}}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [count]\n    metrics:\n      receivers: [count]\n      exporters: [debug]\n`;
    expect(checkCollectorConfig(joined).errors).toEqual([]);
    const dangling = joined.replace('receivers: [count]', 'receivers: [otlp]');
    expect(codes(dangling)).toEqual(['config.connector_unpaired']);
  });

  it('warns about components no pipeline uses and extensions not enabled, without refusing', () => {
    const text = `${GOOD.replace('exporters:\n  debug: {}', 'exporters:\n  debug: {}\n  otlp/unused: {}')}extensions:\n  health_check: {}\n`;
    const result = checkCollectorConfig(text);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ['config.unused_component', 'exporters.otlp/unused'],
      ['config.unused_component', 'extensions.health_check'],
    ]);
  });

  it('refuses an enabled extension that is not defined', () => {
    const text = GOOD.replace('service:\n', 'service:\n  extensions: [zpages]\n');
    expect(codes(text)).toEqual(['config.undefined_extension']);
  });

  it('refuses an empty document and a document that is not a map', () => {
    expect(codes('')).toEqual(['config.empty']);
    expect(codes('- a\n- b\n')).toEqual(['config.not_a_map']);
  });
});
