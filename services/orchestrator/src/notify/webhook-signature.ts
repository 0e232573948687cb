import { createHmac } from 'node:crypto';

/** Unix seconds of the delivery attempt; part of what is signed, so an old request cannot be replayed later. */
export const TIMESTAMP_HEADER = 'roost-timestamp';
/** `v1=` and the hex HMAC-SHA256, keyed by the target's secret, of `<timestamp>.<body>`. */
export const SIGNATURE_HEADER = 'roost-signature';

/** The headers that let a receiver holding `secret` tell this body came from Roost, at `timestampSeconds`. */
export function signatureHeaders(secret: string, timestampSeconds: number, body: string): Record<string, string> {
  const timestamp = String(Math.floor(timestampSeconds));
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `v1=${signature}` };
}
