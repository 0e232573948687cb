import fc from 'fast-check';
import { instanceUidToBytes, parseInstanceUid } from './instance-uid';
import { OpampError } from './opamp-error';

const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

function errorOf(run: () => unknown): OpampError {
  try {
    run();
  } catch (error) {
    if (error instanceof OpampError) return error;
    throw error;
  }
  throw new Error('expected an OpampError');
}

describe('parseInstanceUid', () => {
  it('reads 16 bytes as canonical lowercase UUID text', () => {
    const bytes = Uint8Array.from([0x01, 0x90, 0xb7, 0xf8, 0xbb, 0x85, 0x72, 0xb5, 0x89, 0x42, 0x85, 0x33, 0x32, 0x5b, 0x98, 0x8a]);
    expect(parseInstanceUid(bytes)).toEqual({ text: '0190b7f8-bb85-72b5-8942-8533325b988a', kind: 'uuid' });
  });

  it('reads the 26 ASCII bytes of a legacy ULID as that text', () => {
    expect(parseInstanceUid(ascii('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).toEqual({ text: '01ARZ3NDEKTSV4RRFFQ69G5FAV', kind: 'ulid' });
  });

  it.each([0, 1, 15, 17, 25, 27, 36])('refuses %i bytes with an error naming the length', (length) => {
    const error = errorOf(() => parseInstanceUid(new Uint8Array(length)));
    expect(error.code).toBe('opamp.instance_uid.length');
    expect(error.message).toContain(`got ${length} bytes`);
  });

  it('refuses 26 bytes that are not ULID text', () => {
    expect(errorOf(() => parseInstanceUid(ascii('01ARZ3NDEKTSV4RRFFQ69G5FAU'))).code).toBe('opamp.instance_uid.malformed');
    expect(errorOf(() => parseInstanceUid(new Uint8Array(26))).code).toBe('opamp.instance_uid.malformed');
    expect(errorOf(() => parseInstanceUid(ascii('81ARZ3NDEKTSV4RRFFQ69G5FAV'))).code).toBe('opamp.instance_uid.malformed');
  });
});

describe('instanceUidToBytes', () => {
  it('gives back exactly the bytes of any 16-byte uid', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(Array.from(instanceUidToBytes(parseInstanceUid(bytes).text))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('gives back the ULID bytes the agent sent, in its case', () => {
    fc.assert(
      fc.property(fc.ulid(), fc.boolean(), (ulid, lower) => {
        const bytes = ascii(lower ? ulid.toLowerCase() : ulid);
        expect(Array.from(instanceUidToBytes(parseInstanceUid(bytes).text))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('accepts UUID text in upper case', () => {
    expect(Array.from(instanceUidToBytes('0190B7F8-BB85-72B5-8942-8533325B988A'))).toEqual(
      Array.from(instanceUidToBytes('0190b7f8-bb85-72b5-8942-8533325b988a')),
    );
    expect(instanceUidToBytes('0190B7F8-BB85-72B5-8942-8533325B988A')[15]).toBe(0x8a);
  });

  it.each(['', 'not-a-uid', '0190b7f8bb8572b589428533325b988a', '0190b7f8-bb85-72b5-8942-8533325b988'])('refuses %j', (text) => {
    expect(errorOf(() => instanceUidToBytes(text)).code).toBe('opamp.instance_uid.malformed');
  });
});
