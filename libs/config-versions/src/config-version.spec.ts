import { configHashHex } from '@roost/opamp';
import { appendVersion, collectorConfigHash, parseConfigRef, resolveVersion, storedCollectorConfig } from './config-version';

const H1 = '1'.repeat(64);
const H2 = '2'.repeat(64);

describe('config versions', () => {
  it('addresses a collector config by the canonical hash of its single unnamed file', () => {
    const yaml = 'service: {}\n';
    expect(collectorConfigHash(yaml)).toBe(configHashHex({ '': { body: yaml, contentType: 'text/yaml' } }));
    expect(storedCollectorConfig(yaml, 'edge', 7)).toEqual({ hash: collectorConfigHash(yaml), files: { '': { body: yaml, contentType: 'text/yaml' } }, name: 'edge', createdAt: 7 });
  });

  it('numbers versions of a name from 1 and does not repeat the latest one', () => {
    const first = appendVersion(null, 'edge', H1, 10, 'ann');
    expect(first).toMatchObject({ version: 1, created: true });
    const again = appendVersion(first.history, 'edge', H1, 20, 'ann');
    expect(again).toEqual({ history: first.history, version: 1, created: false });
    const second = appendVersion(first.history, 'edge', H2, 30, null);
    const back = appendVersion(second.history, 'edge', H1, 40, null);
    expect(back.history.versions.map((v) => [v.version, v.hash])).toEqual([
      [1, H1],
      [2, H2],
      [3, H1],
    ]);
    expect(resolveVersion(back.history, null)).toBe(H1);
    expect(resolveVersion(back.history, 2)).toBe(H2);
    expect(resolveVersion(back.history, 9)).toBeNull();
  });

  it('parses references by hash, name and name@version', () => {
    expect(parseConfigRef(H1)).toEqual({ kind: 'hash', hash: H1 });
    expect(parseConfigRef('edge')).toEqual({ kind: 'name', name: 'edge', version: null });
    expect(parseConfigRef('edge@12')).toEqual({ kind: 'name', name: 'edge', version: 12 });
    expect(parseConfigRef('edge@0')).toBeNull();
    expect(parseConfigRef('a b')).toBeNull();
    expect(parseConfigRef('edge@1@2')).toBeNull();
  });
});
