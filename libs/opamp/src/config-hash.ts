import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

/**
 * The canonical SHA-256 of a set of named config files (an OpAMP AgentConfigMap). Roost uses
 * it as `AgentRemoteConfig.config_hash`, as the content address of a config version, and to
 * summarise an agent's effective config, so it must not depend on how the map was built,
 * ordered or serialized.
 *
 * Canonical form (version 1), hashed as one byte string:
 *
 *   "roost.config.v1\n"
 *   u64(number of files)
 *   for each file, in ascending order of the UTF-8 bytes of its name:
 *     u64(len(name))         name          (UTF-8)
 *     u64(len(contentType))  contentType   (UTF-8; absent = "")
 *     u64(len(body))         body          (raw bytes; a string body is its UTF-8 bytes)
 *
 * where u64 is an unsigned 64-bit big-endian length. Every part is length-prefixed, so no two
 * different file sets share a canonical form. Absent fields hash like their protobuf defaults
 * (an unset content type equals ""), so a message and its re-encoding hash the same; a file
 * with an empty body still counts as a file. Never change this form in place: a new form
 * gets a new version prefix, otherwise every agent would see "new" configs.
 */
export interface ConfigFileLike {
  readonly body?: Uint8Array | string | null;
  readonly contentType?: string | null;
}

export type ConfigFilesLike = Readonly<Record<string, ConfigFileLike | null | undefined>>;

/**
 * SHA-256 of one byte string. The default is pure JavaScript; a service may pass a native one
 * (Node's one-shot `crypto.hash`) — the canonical form, and so the hash, is the same. It must
 * not keep `data`: the caller reuses the buffer.
 */
export type Sha256 = (data: Uint8Array) => Uint8Array;

export const pureSha256: Sha256 = (data) => sha256(data);

const FORM_PREFIX = 'roost.config.v1\n';
const utf8 = new TextEncoder();
const FORM_PREFIX_BYTES = utf8.encode(FORM_PREFIX);
const EMPTY = new Uint8Array(0);

/** 32-byte SHA-256 of the canonical form of `files`. */
export function configHash(files: ConfigFilesLike, hashBytes: Sha256 = pureSha256): Uint8Array {
  const entries = Object.keys(files)
    .map((name) => ({ name: textBytes(name), file: files[name] }))
    .sort((a, b) => compareBytes(a.name, b.name));
  // The length-prefixed parts in order: name, content type, body, for each file.
  const parts: Uint8Array[] = [];
  let formBytes = FORM_PREFIX_BYTES.length + 8;
  for (const { name, file } of entries) {
    const body = file?.body ?? EMPTY;
    const contentType = textBytes(file?.contentType ?? '');
    const bodyBytes = typeof body === 'string' ? utf8.encode(body) : body;
    parts.push(name, contentType, bodyBytes);
    formBytes += 24 + name.length + contentType.length + bodyBytes.length;
  }
  return Uint8Array.from(hashBytes(writeForm(formBytes, entries.length, parts)));
}

/** Lowercase hex of configHash (the form Roost's contracts carry). */
export function configHashHex(files: ConfigFilesLike, hashBytes: Sha256 = pureSha256): string {
  return bytesToHex(configHash(files, hashBytes));
}

// Effective configs are hashed for every report that carries one (10k agents answering a
// rollout at once): a form up to this size is written into one reused buffer and hashed in one
// call, instead of allocating a buffer per report. Larger forms get a buffer of their own.
const SCRATCH_MAX_BYTES = 64 * 1024;
let scratch = new Uint8Array(4 * 1024);

/** The canonical form, in the scratch buffer when it fits (a view of `formBytes` bytes). */
function writeForm(formBytes: number, files: number, parts: readonly Uint8Array[]): Uint8Array {
  if (formBytes > scratch.length && formBytes <= SCRATCH_MAX_BYTES) scratch = new Uint8Array(2 ** Math.ceil(Math.log2(formBytes)));
  const form = formBytes <= scratch.length ? scratch : new Uint8Array(formBytes);
  const view = new DataView(form.buffer, form.byteOffset, form.byteLength);
  form.set(FORM_PREFIX_BYTES, 0);
  let offset = writeU64(view, FORM_PREFIX_BYTES.length, files);
  for (const part of parts) {
    offset = writeU64(view, offset, part.length);
    form.set(part, offset);
    offset += part.length;
  }
  return form.subarray(0, formBytes);
}

// File names and content types repeat across agents ("", "text/yaml"): short ones are encoded
// once. Bounded in count and length, since agents choose them.
const MAX_REMEMBERED_TEXTS = 256;
const MAX_REMEMBERED_TEXT_CHARS = 128;
const rememberedTexts = new Map<string, Uint8Array>();

function textBytes(text: string): Uint8Array {
  if (text === '') return EMPTY;
  const known = rememberedTexts.get(text);
  if (known) return known;
  const bytes = utf8.encode(text);
  if (text.length <= MAX_REMEMBERED_TEXT_CHARS && rememberedTexts.size < MAX_REMEMBERED_TEXTS) rememberedTexts.set(text, bytes);
  return bytes;
}

/** Writes `value` as an unsigned 64-bit big-endian integer at `offset`; returns the offset after it. */
function writeU64(view: DataView, offset: number, value: number): number {
  view.setUint32(offset, Math.floor(value / 0x100000000));
  view.setUint32(offset + 4, value >>> 0);
  return offset + 8;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const shared = Math.min(a.length, b.length);
  for (let index = 0; index < shared; index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}
