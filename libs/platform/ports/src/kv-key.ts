import { PortError } from './errors';

/** NATS KV's key rule: dot-separated tokens of [-/_=A-Za-z0-9], none empty, no wildcards. */
const VALID_KEY = /^[-/_=a-zA-Z0-9]+(\.[-/_=a-zA-Z0-9]+)*$/;

/** Rejects a key no bucket can hold with PortError `invalid_argument`. */
export function assertValidKvKey(bucket: string, key: string): void {
  if (!VALID_KEY.test(key)) throw new PortError('invalid_argument', `invalid key ${JSON.stringify(key)} for bucket ${bucket}`);
}
