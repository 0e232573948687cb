import fc from 'fast-check';
import Long from 'long';
import { OpampError } from './opamp-error';
import { AgentToServer, ServerToAgent } from './proto-types';
import { decodeWsFrame, encodeWsFrame } from './ws-framing';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof OpampError) return error.code;
    throw error;
  }
  throw new Error('expected an OpampError');
}

describe('encodeWsFrame', () => {
  it('prefixes the data with the varint header 0', () => {
    expect(Array.from(encodeWsFrame(Uint8Array.of(0x0a, 0x01, 0x07)))).toEqual([0x00, 0x0a, 0x01, 0x07]);
  });

  it('frames 0-byte data as the lone header byte', () => {
    expect(Array.from(encodeWsFrame(new Uint8Array(0)))).toEqual([0x00]);
  });

  it('refuses to build a frame above the size limit, header included', () => {
    expect(codeOf(() => encodeWsFrame(new Uint8Array(4), { maxMessageBytes: 4 }))).toBe('opamp.message.too_large');
    expect(encodeWsFrame(new Uint8Array(3), { maxMessageBytes: 4 })).toHaveLength(4);
  });
});

describe('decodeWsFrame', () => {
  it('returns whatever was framed, as a header-carrying frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const decoded = decodeWsFrame(encodeWsFrame(data));
        expect(decoded.legacy).toBe(false);
        expect(Array.from(decoded.data)).toEqual(Array.from(data));
      }),
    );
  });

  it('accepts 0-byte data after the header', () => {
    const decoded = decodeWsFrame(Uint8Array.of(0x00));
    expect(decoded).toEqual({ data: new Uint8Array(0), legacy: false });
  });

  it('reads a header-less pre-v0.7.0 frame whole, as opamp-go does', () => {
    // given an encoded message sent without a header
    const bytes = AgentToServer.encode({ instanceUid: new Uint8Array(16).fill(1), sequenceNum: Long.UONE }).finish();
    // when
    const decoded = decodeWsFrame(bytes);
    // then
    expect(decoded.legacy).toBe(true);
    expect(decoded.data).toBe(bytes);
  });

  it('treats an empty frame as a legacy empty message', () => {
    expect(decodeWsFrame(new Uint8Array(0))).toEqual({ data: new Uint8Array(0), legacy: true });
  });

  it('never mistakes a non-empty encoded message for a header', () => {
    fc.assert(
      fc.property(
        fc.record({ flags: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), uid: fc.uint8Array({ minLength: 1, maxLength: 16 }), useFlagsOnly: fc.boolean() }),
        ({ flags, uid, useFlagsOnly }) => {
          const message = useFlagsOnly
            ? ServerToAgent.encode({ flags: Long.fromString(flags.toString(), true) }).finish()
            : ServerToAgent.encode({ instanceUid: uid, capabilities: Long.UONE }).finish();
          expect(decodeWsFrame(message).legacy).toBe(true);
        },
      ),
    );
  });

  it.each([
    [[0x01], '1'],
    [[0x07, 0x0a], '7'],
    [[0x0b], '11'],
    [[0x83, 0x01], '131'],
  ])('rejects the non-zero header of %j naming its value %s', (bytes, value) => {
    expect(() => decodeWsFrame(Uint8Array.from(bytes))).toThrow(new RegExp(`header is ${value}$`));
    expect(codeOf(() => decodeWsFrame(Uint8Array.from(bytes)))).toBe('opamp.frame.nonzero_header');
  });

  it('rejects a header varint that is cut short or longer than 64 bits', () => {
    expect(codeOf(() => decodeWsFrame(Uint8Array.of(0x83)))).toBe('opamp.frame.malformed_header');
    expect(codeOf(() => decodeWsFrame(Uint8Array.of(0x83, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)))).toBe(
      'opamp.frame.malformed_header',
    );
  });

  it('rejects a frame above the size limit before reading it', () => {
    expect(codeOf(() => decodeWsFrame(new Uint8Array(5), { maxMessageBytes: 4 }))).toBe('opamp.message.too_large');
  });

  it('raises only OpampError, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), (bytes) => {
        try {
          decodeWsFrame(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(OpampError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
