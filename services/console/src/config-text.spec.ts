import { diffLines, yamlLineTokens } from './config-text';

describe('config text', () => {
  it('tells diff lines apart', () => {
    expect(diffLines('--- a@1\n+++ b@2\n@@ -1 +1 @@\n-x: 1\n+x: 2\n y: 3\n').map((line) => line.kind)).toEqual(['header', 'header', 'hunk', 'remove', 'add', 'context']);
    expect(diffLines('')).toEqual([]);
  });

  it('cuts a YAML line into key, value and comment, and the tokens join back to the line', () => {
    for (const line of ['receivers:', '  otlp:', '    endpoint: 0.0.0.0:4317 # grpc', '  - batch/second', '# top comment', '      exporters: [debug]', 'plain text']) {
      expect(yamlLineTokens(line).map((token) => token.text).join('')).toBe(line);
    }
    expect(yamlLineTokens('    endpoint: 0.0.0.0:4317 # grpc')).toEqual([
      { kind: 'text', text: '    ' },
      { kind: 'key', text: 'endpoint' },
      { kind: 'punct', text: ':' },
      { kind: 'text', text: ' ' },
      { kind: 'value', text: '0.0.0.0:4317' },
      { kind: 'comment', text: ' # grpc' },
    ]);
  });
});
