import type { ApiProblem } from './problem-words';
import { parseServerSentEvents, type ServerSentEvent } from './event-stream';

const TOKEN_KEY = 'roost.token';

/** The token entered once, kept for the browser tab (session storage); never put in a URL. */
export const tokenStore = {
  get: (): string => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (token: string): void => (token === '' ? sessionStorage.removeItem(TOKEN_KEY) : sessionStorage.setItem(TOKEN_KEY, token)),
};

export class ApiError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(problem.message);
  }
}

function headers(json: boolean): Record<string, string> {
  const token = tokenStore.get();
  return { ...(token === '' ? {} : { authorization: `Bearer ${token}` }), ...(json ? { 'content-type': 'application/json' } : {}) };
}

async function problemOf(response: Response): Promise<ApiProblem> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } };
    return { status: response.status, code: body.error?.code ?? `http.${response.status}`, message: body.error?.message ?? '', details: body.error?.details ?? {} };
  } catch {
    return { status: response.status, code: `http.${response.status}`, message: response.statusText, details: {} };
  }
}

async function send<T>(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal | undefined): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (error) {
    if (signal?.aborted === true) throw error;
    throw new ApiError({ status: 0, code: 'network', message: String(error), details: {} });
  }
  if (!response.ok) throw new ApiError(await problemOf(response));
  return (await response.json()) as T;
}

/** The admin API's JSON operations; a read stops when `signal` aborts (the person left the page). */
export const api = {
  get: <T>(path: string, signal?: AbortSignal): Promise<T> => send<T>('GET', path, undefined, signal),
  post: <T>(path: string, body: unknown): Promise<T> => send<T>('POST', path, body, undefined),
};

/**
 * Follows a server-sent event stream through `fetch`, so the token travels in the
 * Authorization header (EventSource cannot send it). Resolves when the stream ends or `signal`
 * aborts; rejects with an ApiError when the answer is not a stream.
 */
export async function followEvents(path: string, onEvent: (event: ServerSentEvent) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch(`/api/v1${path}`, { headers: { ...headers(false), accept: 'text/event-stream' }, signal });
  if (!response.ok || response.body === null) throw new ApiError(await problemOf(response));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const parsed = parseServerSentEvents(buffer + value);
      buffer = parsed.rest;
      for (const event of parsed.events) onEvent(event);
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
}
