import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A receiver's check of a Roost webhook, as docs/security.md gives it: a fresh timestamp and a matching HMAC of "<timestamp>.<raw body>". */
export function verifyRoostWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: string, nowSeconds = Date.now() / 1000): boolean {
  const timestamp = String(headers['roost-timestamp'] ?? '');
  const signature = String(headers['roost-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
