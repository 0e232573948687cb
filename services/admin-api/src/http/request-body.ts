import type { IncomingMessage } from 'node:http';
import { AdminError } from '../errors/admin-error';
import { BodyHolder, type BodyBudget } from './body-budget';

/** Seconds a client refused for the shared budget is told to wait. */
export const BODY_RETRY_AFTER_SECONDS = 5;

/**
 * Reads a JSON request body of at most `maxBytes`, holding what has arrived in the shared
 * `budget` until it is parsed. An empty body reads as `{}` (actions need none). A body that is
 * not JSON, or JSON that is not an object, is refused saying so; one over `maxBytes` with
 * `request.too_large`; one that would pass the budget with `request.over_budget`.
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number, budget: BodyBudget): Promise<Record<string, unknown>> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(request);
    throw tooLarge(maxBytes);
  }
  const holder = new BodyHolder();
  try {
    const { chunks, size } = await receive(request, (size) => (size > maxBytes ? tooLarge(maxBytes) : budget.hold(holder, size) ? null : overBudget(budget)));
    return parseBody(request, chunks, size);
  } finally {
    budget.release(holder);
  }
}

/**
 * The body's chunks, each admitted by `admit` (given the size so far; an error refuses the
 * body). A refused body is read on and dropped, not destroyed: the client gets its answer
 * before the connection closes.
 */
function receive(request: IncomingMessage, admit: (size: number) => AdminError | null): Promise<{ chunks: Buffer[]; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      const refusal = admit(size);
      if (refusal === null) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      stop();
      discard(request);
      reject(refusal);
    };
    const onEnd = (): void => {
      stop();
      resolve({ chunks, size });
    };
    const onError = (error: Error): void => {
      stop();
      reject(new AdminError('request.invalid', `the body could not be read: ${error.message}`));
    };
    const stop = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}

/** Reads what is left of a refused body into nothing (the response says to close the connection). */
function discard(request: IncomingMessage): void {
  request.on('error', () => undefined);
  request.resume();
}

function parseBody(request: IncomingMessage, chunks: readonly Buffer[], size: number): Record<string, unknown> {
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

function overBudget(budget: BodyBudget): AdminError {
  return new AdminError('request.over_budget', `the admin API is receiving as many request bodies as it may hold (${budget.limitBytes} bytes); retry in ${BODY_RETRY_AFTER_SECONDS} s`, {
    budgetBytes: budget.limitBytes,
    retryAfterSeconds: BODY_RETRY_AFTER_SECONDS,
  });
}

function tooLarge(maxBytes: number): AdminError {
  return new AdminError('request.too_large', `the body is larger than ${maxBytes} bytes`, { maxBytes });
}
