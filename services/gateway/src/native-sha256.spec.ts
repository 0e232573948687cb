import { configHashHex } from '@roost/opamp';
import { nativeSha256 } from './native-sha256';

describe('native SHA-256', () => {
  it('gives the same canonical config hash as the pure implementation', () => {
    const files = {
      '': { body: 'receivers:\n  otlp: {}\n', contentType: 'text/yaml' },
      extra: { body: new Uint8Array([0, 1, 2, 255]), contentType: '' },
    };
    expect(configHashHex(files, nativeSha256)).toBe(configHashHex(files));
    expect(configHashHex({}, nativeSha256)).toBe(configHashHex({}));
  });
});
