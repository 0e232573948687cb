import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { configHash, configHashHex, type ConfigFilesLike } from './config-hash';
import { AgentConfigMap } from './proto-types';

const utf8 = new TextEncoder();

// Vectors computed by an independent implementation of the documented canonical form
// (Python hashlib + struct). They pin the form: if one changes, every agent sees a "new" config.
describe('configHashHex', () => {
  it('matches the documented canonical form', () => {
    expect(configHashHex({})).toBe('fbb4b618e0ce667825787169fb123432c774c162f3fd36c2c2c61a210f35b852');
    expect(
      configHashHex({
        extra: { body: 'a: 1\n' },
        '': { body: utf8.encode('receivers:\n  otlp: {}\n'), contentType: 'text/yaml' },
      }),
    ).toBe('d13d76d07cc212de491aece64d5e4d18915725fc7596553f2a2b474a19230143');
  });

  it('orders names by their UTF-8 bytes, not by UTF-16 code units', () => {
    // U+1F600 sorts after U+FF5E in UTF-8 but before it in UTF-16.
    expect(configHashHex({ '\u{1F600}': { body: 'y' }, '\uFF5E': { body: 'z' }, 'é': { body: 'x' } })).toBe(
      '85a68374fb92398073291c530e9f2b4c900d6776eb4619e434c5d5816c65a42a',
    );
  });
});

const filesArbitrary = fc.dictionary(
  fc.string({ maxLength: 12, unit: 'grapheme' }),
  fc.record({ body: fc.uint8Array({ maxLength: 48 }), contentType: fc.constantFrom('', 'text/yaml', 'application/json') }),
  { maxKeys: 5 },
);

describe('configHash', () => {
  it('does not depend on the order of the names', () => {
    fc.assert(
      fc.property(filesArbitrary, (files) => {
        const reversed = Object.fromEntries(Object.entries(files).reverse());
        expect(configHashHex(reversed)).toBe(configHashHex(files));
      }),
    );
  });

  it('survives a protobuf round trip of the AgentConfigMap', () => {
    fc.assert(
      fc.property(filesArbitrary, (files) => {
        // given the files sent as an AgentConfigMap and received back
        const decoded = AgentConfigMap.decode(AgentConfigMap.encode({ configMap: files }).finish());
        // then
        expect(configHashHex(decoded.configMap)).toBe(configHashHex(files));
      }),
    );
  });

  it('hashes a string body as its UTF-8 bytes and an absent content type as ""', () => {
    const asBytes: ConfigFilesLike = { '': { body: utf8.encode('exporters: {}\n'), contentType: '' } };
    expect(configHashHex({ '': { body: 'exporters: {}\n' } })).toBe(configHashHex(asBytes));
    expect(configHashHex({ '': { body: 'exporters: {}\n', contentType: null } })).toBe(configHashHex(asBytes));
  });

  it('tells apart file sets that concatenate to the same text', () => {
    expect(configHashHex({ a: { body: 'bc' } })).not.toBe(configHashHex({ ab: { body: 'c' } }));
    expect(configHashHex({ a: { body: 'x', contentType: 'y' } })).not.toBe(configHashHex({ a: { body: 'yx' } }));
    expect(configHashHex({})).not.toBe(configHashHex({ '': { body: '' } }));
  });

  it('changes when any byte of a body changes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (body, at) => {
        const changed = body.slice();
        changed[at % body.length] = (changed[at % body.length]! + 1) % 256;
        expect(configHashHex({ '': { body: changed } })).not.toBe(configHashHex({ '': { body } }));
      }),
    );
  });

  it('follows the documented form at every size, one form after another (small, growing, over 64 KiB)', () => {
    const documented = (files: [string, string, Uint8Array][]) => {
      const u64 = (n: number) => {
        const bytes = Buffer.alloc(8);
        bytes.writeBigUInt64BE(BigInt(n));
        return bytes;
      };
      const hasher = createHash('sha256').update('roost.config.v1\n').update(u64(files.length));
      for (const [name, contentType, body] of files) {
        for (const part of [Buffer.from(name), Buffer.from(contentType), body]) hasher.update(u64(part.length)).update(part);
      }
      return hasher.digest('hex');
    };
    for (const size of [10, 3_000, 10_000, 70 * 1024, 20]) {
      const body = new Uint8Array(size).map((_, index) => index % 251);
      const files: [string, string, Uint8Array][] = [
        ['', 'text/yaml', body],
        ['extra-é', '', body.subarray(0, 7)],
      ];
      const asMap = Object.fromEntries(files.map(([name, contentType, data]) => [name, { body: data, contentType }]));
      expect(configHashHex(asMap)).toBe(documented(files));
      expect(configHashHex(asMap, (data) => createHash('sha256').update(data).digest())).toBe(documented(files));
    }
  });

  it('returns 32 bytes', () => {
    expect(configHash({ '': { body: 'x' } })).toHaveLength(32);
  });
});
