import { createHash } from 'node:crypto';
import type { Sha256Factory } from '@roost/opamp';

/** Node's native SHA-256: about six times faster than the pure one on a 2 KB config. */
export const nativeSha256: Sha256Factory = () => createHash('sha256');
