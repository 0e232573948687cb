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

  it('hashes a form too large for the shared buffer the same way', () => {
    const files = { big: { body: new Uint8Array(100 * 1024).fill(7), contentType: 'application/octet-stream' } };
    expect(configHashHex(files, nativeSha256)).toBe(configHashHex(files));
  });
});
