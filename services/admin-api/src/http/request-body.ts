import type { IncomingMessage } from 'node:http';
import { AdminError } from '../errors/admin-error';

/**
 * Reads a JSON request body of at most `maxBytes`. An empty body reads as `{}` (actions need
 * none). A body that is not JSON, or JSON that is not an object, is refused saying so.
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  const type = String(request.headers['content-type'] ?? '');
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AdminError('request.unsupported_media_type', `send the body as JSON with Content-Type: application/json (got ${type === '' ? 'no Content-Type' : type})`, { contentType: type });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new AdminError('request.malformed_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AdminError('request.invalid', '(body): expected a JSON object', { issues: [{ path: '(body)', message: 'expected a JSON object' }] });
  }
  return parsed as Record<string, unknown>;
}

function tooLarge(maxBytes: number): AdminError {
  return new AdminError('request.too_large', `the body is larger than ${maxBytes} bytes`, { maxBytes });
}
