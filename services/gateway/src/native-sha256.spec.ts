import { configHashHex, type Sha256 } from '@roost/opamp';
import { nativeSha256, rememberingSha256 } from './native-sha256';

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

describe('rememberingSha256', () => {
  function counting(): { sha256: Sha256; calls: () => number } {
    let calls = 0;
    return {
      sha256: (data) => {
        calls += 1;
        return nativeSha256(data);
      },
      calls: () => calls,
    };
  }

  it('hashes bytes seen a moment ago only once, even when the caller reused its buffer meanwhile', () => {
    const { sha256, calls } = counting();
    const remembering = rememberingSha256(sha256);
    const buffer = new Uint8Array([1, 2, 3, 4]);
    const first = Buffer.from(remembering(buffer)).toString('hex');
    buffer.set([9, 9, 9, 9]);
    const other = Buffer.from(remembering(buffer)).toString('hex');
    buffer.set([1, 2, 3, 4]);
    // then
    expect(Buffer.from(remembering(buffer)).toString('hex')).toBe(first);
    expect(other).not.toBe(first);
    expect(other).toBe(Buffer.from(nativeSha256(new Uint8Array([9, 9, 9, 9]))).toString('hex'));
    expect(calls()).toBe(2);
  });

  it('forgets the oldest input beyond its capacity, and never remembers large inputs', () => {
    const { sha256, calls } = counting();
    const remembering = rememberingSha256(sha256, 2);
    for (const byte of [1, 2, 3, 1]) remembering(new Uint8Array([byte]));
    expect(calls()).toBe(4);
    const large = new Uint8Array(64 * 1024 + 1);
    remembering(large);
    remembering(large);
    expect(calls()).toBe(6);
  });

  it('gives the canonical config hash of every distinct config', () => {
    const remembering = rememberingSha256(nativeSha256, 2);
    for (const body of ['a: 1\n', 'a: 2\n', 'a: 1\n', 'a: 3\n', 'a: 2\n']) {
      const files = { '': { body, contentType: 'text/yaml' } };
      expect(configHashHex(files, remembering)).toBe(configHashHex(files));
    }
  });
});
