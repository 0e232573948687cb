import type { IncomingMessage } from 'node:http';
import { gunzip, gzip } from 'node:zlib';

/** Why a request body could not be read; mapped to an HTTP status at the edge. */
export class BodyError extends Error {
  constructor(
    readonly code: 'too_large' | 'bad_gzip' | 'unsupported_encoding' | 'aborted' | 'memory_budget' | 'pre_auth_budget',
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Compressed input may be slightly larger than its content; allow that much on the wire. */
const GZIP_SLACK_BYTES = 1024;

/** Asked before the body held grows to `bytes`: null if the memory budget holds it, else why not. */
export type HoldBytes = (bytes: number) => 'memory_budget' | 'pre_auth_budget' | null;

/**
 * Reads the whole body, gunzipping `Content-Encoding: gzip`. The limit applies to the
 * decompressed bytes (a gzip bomb stops at `maxBytes`), and to the raw bytes with a little slack.
 * Every chunk is held in the memory budget first (`hold`); the decompressed body replaces the raw.
 */
export async function readBody(request: IncomingMessage, maxBytes: number, hold: HoldBytes = () => null): Promise<Buffer> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    request.resume();
    throw new BodyError('unsupported_encoding', `Content-Encoding ${encoding} is not supported`);
  }
  const rawLimit = encoding === 'gzip' ? maxBytes + GZIP_SLACK_BYTES + Math.ceil(maxBytes / 1000) : maxBytes;
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > rawLimit) {
    request.resume();
    throw new BodyError('too_large', `body of ${declared} bytes is over the ${maxBytes} byte limit`);
  }
  const raw = await collect(request, rawLimit, hold);
  if (encoding === 'identity') return raw;
  const body = await gunzipLimited(raw, maxBytes);
  const refusal = hold(body.length);
  if (refusal !== null) throw new BodyError(refusal, 'the gateway memory budget for messages is full');
  return body;
}

function collect(request: IncomingMessage, limit: number, hold: HoldBytes): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(new BodyError('too_large', `body is over the ${limit} byte limit`));
        return;
      }
      const refusal = hold(size);
      if (refusal !== null) {
        failed = true;
        chunks.length = 0;
        reject(new BodyError(refusal, 'the gateway memory budget for messages is full'));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    request.on('aborted', () => {
      if (!failed) reject(new BodyError('aborted', 'client aborted the request'));
      failed = true;
    });
    request.on('error', (error) => {
      if (!failed) reject(new BodyError('aborted', error.message));
      failed = true;
    });
  });
}

function gunzipLimited(raw: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(raw, { maxOutputLength: maxBytes }, (error, result) => {
      if (!error) return resolve(result);
      const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      reject(tooLarge ? new BodyError('too_large', `decompressed body is over the ${maxBytes} byte limit`) : new BodyError('bad_gzip', error.message));
    });
  });
}

export function gzipAsync(data: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => gzip(data, (error, result) => (error ? reject(error) : resolve(result))));
}

/** True when `Accept-Encoding` admits gzip (a q value of 0 refuses it). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
