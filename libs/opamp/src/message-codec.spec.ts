import fc from 'fast-check';
import Long from 'long';
import { decodeAgentToServer, decodeServerToAgent, encodeAgentToServer, encodeServerToAgent } from './message-codec';
import { OpampError } from './opamp-error';
import type { AgentToServerInit, ComponentHealthInit } from './proto-types';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof OpampError) return error.code;
    throw error;
  }
  throw new Error('expected an OpampError');
}

const status: AgentToServerInit = {
  instanceUid: Uint8Array.from({ length: 16 }, (_, index) => index),
  sequenceNum: Long.fromNumber(7, true),
  capabilities: Long.fromNumber(0x3003, true),
  agentDescription: { identifyingAttributes: [{ key: 'service.name', value: { stringValue: 'otelcol' } }] },
  remoteConfigStatus: { lastRemoteConfigHash: Uint8Array.of(1, 2, 3), status: 1 },
  health: { healthy: true, startTimeUnixNano: Long.fromString('1700000000000000000', true) },
};

/** Nested AnyValue arrays `depth` deep, hand-encoded: field 5 (array_value) → field 1 (values). */
function deeplyNestedAnyValue(depth: number): Uint8Array {
  let inner: number[] = [];
  for (let level = 0; level < depth; level += 1) {
    const array = [0x0a, ...varint(inner.length), ...inner]; // ArrayValue.values
    inner = [0x2a, ...varint(array.length), ...array]; // AnyValue.array_value
  }
  const keyValue = [0x12, ...varint(inner.length), ...inner]; // KeyValue.value
  const description = [0x0a, ...varint(keyValue.length), ...keyValue]; // identifying_attributes
  return Uint8Array.from([0x1a, ...varint(description.length), ...description]); // agent_description
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  return [...bytes, value];
}

describe('AgentToServer codec', () => {
  it('decodes what it encodes, 64-bit fields exact', () => {
    // given
    const bytes = encodeAgentToServer(status);
    // when
    const decoded = decodeAgentToServer(bytes);
    // then
    expect(decoded.sequenceNum.toString()).toBe('7');
    expect(decoded.capabilities.toNumber()).toBe(0x3003);
    expect(decoded.health?.startTimeUnixNano?.toString()).toBe('1700000000000000000');
    expect(decoded.agentDescription?.identifyingAttributes?.[0]?.value?.stringValue).toBe('otelcol');
    expect(Array.from(encodeAgentToServer(decoded))).toEqual(Array.from(bytes));
  });

  it('decodes 0 bytes as the all-default message', () => {
    const decoded = decodeAgentToServer(new Uint8Array(0));
    expect(decoded.instanceUid).toHaveLength(0);
    expect(decoded.agentDescription).toBeNull();
  });

  it('refuses a message above the size limit, by default 64 MiB', () => {
    expect(codeOf(() => decodeAgentToServer(new Uint8Array(11), { maxMessageBytes: 10 }))).toBe('opamp.message.too_large');
    expect(codeOf(() => decodeAgentToServer(new Uint8Array(64 * 1024 * 1024 + 1)))).toBe('opamp.message.too_large');
  });

  it.each([
    ['a length running past the end', [0x0a, 0x05, 0x01]],
    ['an invalid wire type', [0x0f]],
    ['a truncated varint', [0x10, 0xff]],
    ['field number 0', [0x00, 0x01]],
  ])('reports %s as malformed', (_, bytes) => {
    expect(codeOf(() => decodeAgentToServer(Uint8Array.from(bytes)))).toBe('opamp.message.malformed');
  });

  it('reports absurd nesting as malformed instead of overflowing the stack', () => {
    expect(codeOf(() => decodeAgentToServer(deeplyNestedAnyValue(2000)))).toBe('opamp.message.malformed');
  });

  it('raises only OpampError for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        try {
          decodeAgentToServer(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(OpampError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('raises only OpampError for every truncation and single-byte corruption of a valid message', () => {
    const bytes = encodeAgentToServer(status);
    fc.assert(
      fc.property(fc.nat(bytes.length), fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), (cut, at, byte) => {
        const corrupted = bytes.slice(0, cut);
        if (at < corrupted.length) corrupted[at] = byte;
        try {
          decodeAgentToServer(corrupted);
        } catch (error) {
          expect(error).toBeInstanceOf(OpampError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('ServerToAgent codec', () => {
  it('refuses to encode a message above the size limit', () => {
    const message = { remoteConfig: { config: { configMap: { '': { body: new Uint8Array(100) } } } } };
    expect(codeOf(() => encodeServerToAgent(message, { maxMessageBytes: 50 }))).toBe('opamp.message.too_large');
    expect(encodeServerToAgent(message).length).toBeGreaterThan(100);
  });

  it('reports a message its encoder cannot walk as unencodable', () => {
    // given a health tree that contains itself
    const health: ComponentHealthInit = { healthy: true };
    health.componentHealthMap = { self: health };
    // then
    expect(codeOf(() => encodeAgentToServer({ health }))).toBe('opamp.message.unencodable');
  });

  it('raises only OpampError for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        try {
          decodeServerToAgent(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(OpampError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
