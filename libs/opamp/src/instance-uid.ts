import { OpampError } from './opamp-error';

/**
 * OpAMP instance uids. Since spec v0.10.0 `instance_uid` is 16 bytes (UUIDv7 recommended),
 * shown as canonical lowercase UUID text. Before, it was a ULID string: the field carries the
 * 26 ASCII bytes of the ULID text. Receivers tell them apart by length (16 vs 26). The text
 * form is the agent id everywhere in Roost (NATS subjects, KV keys, views), and converting it
 * back must give the agent exactly the bytes it sent, so ULID text keeps the agent's case.
 */
export type InstanceUidKind = 'uuid' | 'ulid';

export interface InstanceUid {
  /** Canonical UUID text (lowercase, 8-4-4-4-12) or the ULID text as the agent sent it. */
  readonly text: string;
  readonly kind: InstanceUidKind;
}

const UUID_BYTES = 16;
const ULID_LENGTH = 26;
const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// Crockford base32 without I, L, O, U; the first character is at most 7 (128-bit value).
const ULID_TEXT = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;

/** Reads an `instance_uid` field. Throws `opamp.instance_uid.length` / `.malformed`. */
export function parseInstanceUid(bytes: Uint8Array): InstanceUid {
  if (bytes.length === UUID_BYTES) return { text: uuidText(bytes), kind: 'uuid' };
  if (bytes.length === ULID_LENGTH) {
    const text = String.fromCharCode(...bytes);
    if (ULID_TEXT.test(text)) return { text, kind: 'ulid' };
    throw new OpampError('opamp.instance_uid.malformed', 'the 26 bytes are not the text of a ULID');
  }
  throw new OpampError('opamp.instance_uid.length', `got ${bytes.length} bytes, expected 16 (UUID) or 26 (legacy ULID)`);
}

/** The `instance_uid` bytes for a uid text (UUID in any case, or ULID). */
export function instanceUidToBytes(text: string): Uint8Array {
  if (UUID_TEXT.test(text)) {
    const bytes = new Uint8Array(UUID_BYTES);
    for (let index = 0; index < UUID_BYTES; index += 1) {
      const at = UUID_BYTE_OFFSETS[index] as number;
      bytes[index] = (hexValue(text.charCodeAt(at)) << 4) | hexValue(text.charCodeAt(at + 1));
    }
    return bytes;
  }
  if (ULID_TEXT.test(text)) return Uint8Array.from(text, (char) => char.charCodeAt(0));
  throw new OpampError('opamp.instance_uid.malformed', `${JSON.stringify(text.slice(0, 64))} is neither UUID nor ULID text`);
}

/** Where each byte's two hex digits start in UUID text (8-4-4-4-12, dashes skipped). */
const UUID_BYTE_OFFSETS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/** The value of a hex digit's char code (the text was checked to be hex). */
function hexValue(code: number): number {
  if (code <= 57) return code - 48; // 0-9
  return (code | 0x20) - 87; // a-f, A-F
}

/** Two lowercase hex digits per byte value; the uid of every message is formatted. */
const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function uuidText(bytes: Uint8Array): string {
  let text = '';
  for (let index = 0; index < UUID_BYTES; index += 1) {
    if (index === 4 || index === 6 || index === 8 || index === 10) text += '-';
    text += HEX_PAIRS[bytes[index] as number];
  }
  return text;
}
