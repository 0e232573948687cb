import { hash } from 'node:crypto';
import type { Sha256 } from '@roost/opamp';

/** Node's native one-shot SHA-256: several times faster than the pure one on a 2 KB config. */
export const nativeSha256: Sha256 = (data) => hash('sha256', data, 'buffer');
