import { hash } from 'node:crypto';
import type { Sha256 } from '@roost/opamp';

/** Node's native one-shot SHA-256: several times faster than the pure one on a 2 KB config. */
export const nativeSha256: Sha256 = (data) => hash('sha256', data, 'buffer');

/** Inputs above this size are hashed every time rather than remembered. */
const MAX_REMEMBERED_BYTES = 64 * 1024;

/**
 * `sha256` that remembers the digests of the last few distinct inputs (up to 64 KB each).
 * During a rollout thousands of agents report the same effective config within seconds, and
 * comparing its bytes with a remembered copy costs a fraction of hashing them again.
 */
export function rememberingSha256(sha256: Sha256, capacity = 8): Sha256 {
  const recent: { data: Buffer; digest: Uint8Array }[] = [];
  return (data) => {
    for (const entry of recent) {
      if (entry.data.length === data.length && entry.data.equals(data)) return entry.digest;
    }
    const digest = sha256(data);
    if (data.length <= MAX_REMEMBERED_BYTES) {
      // A copy: the caller may reuse its buffer.
      recent.unshift({ data: Buffer.from(data), digest });
      if (recent.length > capacity) recent.pop();
    }
    return digest;
  };
}
