import Long from 'long';
import { MAX_ATTRIBUTES, MAX_KEY_CHARS, MAX_LIST_CHARS, MAX_VALUE_CHARS, anyValueText, attributeText } from './attribute-text';
import { AgentDescription, type AnyValueInit } from './proto-types';

describe('anyValueText', () => {
  it.each<[string, AnyValueInit, string]>([
    ['a string as is', { stringValue: 'prod' }, 'prod'],
    ['an empty string', { stringValue: '' }, ''],
    ['a bool', { boolValue: false }, 'false'],
    ['an int64 in decimal, beyond 2^53', { intValue: Long.fromString('-9007199254740993') }, '-9007199254740993'],
    ['a double', { doubleValue: 1.5 }, '1.5'],
    ['a non-finite double', { doubleValue: Number.NaN }, 'NaN'],
    ['bytes in hex', { bytesValue: Uint8Array.of(0xde, 0xad) }, 'dead'],
    ['an array as JSON', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: Long.fromNumber(2) }, {}] } }, '["a","2",null]'],
    ['a key/value list as JSON', { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } }, '{"k":true}'],
    ['null (no value set)', {}, ''],
  ])('prints %s', (_, value, text) => {
    expect(anyValueText(value)).toBe(text);
  });
});

describe('attributeText', () => {
  it('reads a decoded description, the last of duplicate keys winning', () => {
    // given
    const bytes = AgentDescription.encode({
      identifyingAttributes: [
        { key: 'service.name', value: { stringValue: 'otelcol' } },
        { key: 'service.name', value: { stringValue: 'otelcol-contrib' } },
        { key: 'replicas', value: { doubleValue: 3 } },
      ],
    }).finish();
    // when
    const text = attributeText(AgentDescription.decode(bytes).identifyingAttributes);
    // then
    expect(text).toEqual({ 'service.name': 'otelcol-contrib', replicas: '3' });
  });

  it('stores a "__proto__" key as data', () => {
    const text = attributeText([{ key: '__proto__', value: { stringValue: 'x' } }]);
    expect(Object.keys(text)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(text)).toBe(Object.prototype);
  });

  it('bounds what one agent can make us hold', () => {
    // given far too many, far too long attributes
    const attributes = Array.from({ length: 500 }, (_, index) => ({
      key: `${index}`.padEnd(1000, 'k'),
      value: { stringValue: 'v'.repeat(10_000) },
    }));
    // when
    const text = attributeText(attributes);
    // then
    expect(Math.max(...Object.keys(text).map((key) => key.length))).toBe(MAX_KEY_CHARS);
    expect(Math.max(...Object.values(text).map((value) => value.length))).toBe(MAX_VALUE_CHARS);
    expect(Object.entries(text).reduce((sum, [key, value]) => sum + key.length + value.length, 0)).toBeLessThanOrEqual(MAX_LIST_CHARS);
    expect(Object.keys(text)).toHaveLength(Math.floor(MAX_LIST_CHARS / (MAX_KEY_CHARS + MAX_VALUE_CHARS)));
  });

  it('keeps at most MAX_ATTRIBUTES short attributes', () => {
    const attributes = Array.from({ length: 100 }, (_, index) => ({ key: `k${index}`, value: { stringValue: 'v' } }));
    expect(Object.keys(attributeText(attributes))).toHaveLength(MAX_ATTRIBUTES);
  });
});
