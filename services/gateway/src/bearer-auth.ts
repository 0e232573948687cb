import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Checks `Authorization: Bearer <token>` against the configured token in constant time.
 * Without a configured token every request passes.
 */
export function createBearerCheck(token: string | undefined): (headers: IncomingHttpHeaders) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (headers) => {
    const header = headers.authorization;
    if (!header) return false;
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) return false;
    return timingSafeEqual(digest(match[1] as string), expected);
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
