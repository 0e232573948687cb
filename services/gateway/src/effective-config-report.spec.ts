import type { AgentToServer } from '@roost/opamp';
import { effectiveConfigReport, MAX_EFFECTIVE_CONFIG_BYTES } from './effective-config-report';

const withFiles = (files: Record<string, string>): AgentToServer =>
  ({ effectiveConfig: { configMap: { configMap: Object.fromEntries(Object.entries(files).map(([name, body]) => [name, { body: Buffer.from(body), contentType: 'text/yaml' }])) } } }) as unknown as AgentToServer;

describe('effectiveConfigReport', () => {
  it('keeps the files of a new effective config as text, with its hash and where it came from', () => {
    expect(effectiveConfigReport(withFiles({ '': 'receivers: {}\n' }), true, 'ab', 7, 'gw-1')).toEqual({
      hash: 'ab',
      files: { '': { body: 'receivers: {}\n', contentType: 'text/yaml' } },
      omitted: null,
      reportedAt: 7,
      gatewayId: 'gw-1',
    });
  });

  it('is nothing when the hash did not change or the message carried no effective config', () => {
    expect(effectiveConfigReport(withFiles({ '': 'x: 1\n' }), false, 'ab', 7, 'gw-1')).toBeNull();
    expect(effectiveConfigReport({} as AgentToServer, true, 'ab', 7, 'gw-1')).toBeNull();
  });

  it('keeps the hash of a config too large to keep and says why its text is missing', () => {
    const report = effectiveConfigReport(withFiles({ big: 'x'.repeat(MAX_EFFECTIVE_CONFIG_BYTES) }), true, 'ab', 7, 'gw-1');
    expect(report).toMatchObject({ hash: 'ab', files: {}, omitted: `${MAX_EFFECTIVE_CONFIG_BYTES + 3} bytes, above the ${MAX_EFFECTIVE_CONFIG_BYTES} kept` });
  });
});
