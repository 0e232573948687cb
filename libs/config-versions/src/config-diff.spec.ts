import { componentTypes } from './component-diff';
import { diffConfigVersions } from './config-diff';
import { diffLines, unifiedDiff } from './line-diff';

const BEFORE = `receivers:
  otlp: {}
processors:
  batch: {}
exporters:
  debug: {}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [debug]
`;

describe('config diff', () => {
  it('shows a changed line as a unified hunk with context and counts', () => {
    const after = BEFORE.replace('  batch: {}', '  batch:\n    timeout: 5s');
    const result = diffConfigVersions({ hash: 'a'.repeat(64), yaml: BEFORE, label: 'edge@1' }, { hash: 'b'.repeat(64), yaml: after, label: 'edge@2' });
    expect(result.added).toBe(2);
    expect(result.removed).toBe(1);
    expect(result.unified).toBe(
      ['--- edge@1', '+++ edge@2', '@@ -1,7 +1,8 @@', ' receivers:', '   otlp: {}', ' processors:', '-  batch: {}', '+  batch:', '+    timeout: 5s', ' exporters:', '   debug: {}', ' service:', ''].join('\n'),
    );
    expect(result.components).toEqual({ added: [], removed: [], changed: ['processors/batch'] });
  });

  it('is empty for equal texts and ignores YAML style in component changes', () => {
    expect(unifiedDiff(diffLines(BEFORE, BEFORE), 'a', 'b')).toBe('');
    const flow = BEFORE.replace('      receivers: [otlp]', '      receivers:\n        - otlp');
    expect(diffConfigVersions({ hash: 'a'.repeat(64), yaml: BEFORE, label: 'a' }, { hash: 'b'.repeat(64), yaml: flow, label: 'b' }).components).toEqual({ added: [], removed: [], changed: [] });
  });

  it('lists added and removed components and pipelines', () => {
    const after = BEFORE.replace('  debug: {}', '  otlp/backend: {}').replace('[debug]', '[otlp/backend]').concat('    logs:\n      receivers: [otlp]\n      exporters: [otlp/backend]\n');
    expect(diffConfigVersions({ hash: 'a'.repeat(64), yaml: BEFORE, label: 'a' }, { hash: 'b'.repeat(64), yaml: after, label: 'b' }).components).toEqual({
      added: ['exporters/otlp/backend', 'service/pipelines/logs'],
      removed: ['exporters/debug'],
      changed: ['service/pipelines/traces'],
    });
  });

  it('keeps distant changes in separate hunks', () => {
    const a = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const b = a.replace('line 2', 'LINE 2').replace('line 25', 'LINE 25');
    const text = unifiedDiff(diffLines(a, b), 'a', 'b');
    expect(text.match(/^@@/gm)).toHaveLength(2);
    expect(text).toContain('@@ -23,7 +23,7 @@');
  });
});

describe('componentTypes', () => {
  it('names each component type a config defines, kind/type, once, whatever its name after the slash', () => {
    const yaml = ['receivers:', '  otlp: {}', '  otlp/2: {}', 'processors:', '  batch/fast: {}', 'exporters:', '  debug: {}', 'service:', '  pipelines:', '    traces:', '      receivers: [otlp, otlp/2]', '      processors: [batch/fast]', '      exporters: [debug]', ''].join('\n');
    expect(componentTypes(yaml)).toEqual(['exporters/debug', 'processors/batch', 'receivers/otlp']);
    expect(componentTypes('receivers: [')).toEqual([]);
  });
});
