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
 * An incremental SHA-256. The default is pure JavaScript; a service may pass a native one
 * (Node's `createHash('sha256')` fits) — the canonical form, and so the hash, is the same.
 */
export interface Sha256Hasher {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}
export type Sha256Factory = () => Sha256Hasher;

export const pureSha256: Sha256Factory = () => sha256.create();

const FORM_PREFIX = 'roost.config.v1\n';
const utf8 = new TextEncoder();

/** 32-byte SHA-256 of the canonical form of `files`. */
export function configHash(files: ConfigFilesLike, createSha256: Sha256Factory = pureSha256): Uint8Array {
  const entries = Object.keys(files)
    .map((name) => ({ name: utf8.encode(name), file: files[name] }))
    .sort((a, b) => compareBytes(a.name, b.name));
  const hash = createSha256();
  hash.update(utf8.encode(FORM_PREFIX));
  hash.update(u64(entries.length));
  for (const { name, file } of entries) {
    const body = file?.body ?? new Uint8Array(0);
    for (const part of [name, utf8.encode(file?.contentType ?? ''), typeof body === 'string' ? utf8.encode(body) : body]) {
      hash.update(u64(part.length));
      hash.update(part);
    }
  }
  return Uint8Array.from(hash.digest());
}

/** Lowercase hex of configHash (the form Roost's contracts carry). */
export function configHashHex(files: ConfigFilesLike, createSha256: Sha256Factory = pureSha256): string {
  return bytesToHex(configHash(files, createSha256));
}

function u64(length: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, Math.floor(length / 0x100000000));
  view.setUint32(4, length >>> 0);
  return bytes;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const shared = Math.min(a.length, b.length);
  for (let index = 0; index < shared; index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}
