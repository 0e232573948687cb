import { CliError } from './cli-error';

export interface AdminClientOptions {
  readonly server: string;
  readonly token: string | undefined;
  readonly timeoutMs?: number;
}

/** The admin API's error, whatever envelope it came in. */
interface ServerError {
  readonly code: string | null;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** JSON over HTTP to the admin API; every failure becomes a CliError that says what to do. */
export class AdminClient {
  constructor(private readonly options: AdminClientOptions) {}

  get server(): string {
    return this.options.server;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** Opens a streaming GET (server-sent events); the caller reads the body. */
  async stream(path: string, signal: AbortSignal): Promise<Response> {
    const response = await this.send('GET', path, undefined, { accept: 'text/event-stream', signal });
    if (!response.ok) throw await this.failure(response, 'GET', path);
    return response;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body, { accept: 'application/json' });
    if (!response.ok) throw await this.failure(response, method, path);
    const text = await response.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError('cli.bad_reply', `${method} ${path} answered ${response.status} with something that is not JSON`, `is ${this.options.server} a Roost admin API?`);
    }
  }

  private async send(method: string, path: string, body: unknown, extra: { accept: string; signal?: AbortSignal }): Promise<Response> {
    const headers: Record<string, string> = { accept: extra.accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    const signal = extra.signal ?? AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    try {
      return await fetch(`${this.options.server}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (error) {
      throw this.unreachable(error);
    }
  }

  private unreachable(error: unknown): CliError {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code === 'ECONNREFUSED' ? 'connection refused' : cause?.code === 'ENOTFOUND' ? 'unknown host' : (error as Error).name === 'TimeoutError' ? 'no answer in time' : (cause?.message ?? String(error));
    return new CliError('cli.unreachable', `cannot reach the Roost admin API at ${this.options.server} (${reason})`, 'start Roost with `npm start`, or point --server (or ROOST_URL) at a running admin API');
  }

  private async failure(response: Response, method: string, path: string): Promise<CliError> {
    const error = parseServerError(await response.text().catch(() => ''), `${method} ${path} answered ${response.status} ${response.statusText}`);
    const details = { status: response.status, code: error.code, ...error.details };
    switch (response.status) {
      case 401:
        return new CliError('cli.unauthorized', this.options.token ? 'the admin API did not accept the token' : 'the admin API needs a token', 'pass --token <token> or set ROOST_TOKEN', details);
      case 403:
        return new CliError('cli.forbidden', error.message, 'this needs a token with a role that may act (operator or admin)', details);
      case 404:
        return new CliError('cli.not_found', error.message, null, details);
      default:
        if (response.status >= 500) return new CliError('cli.server_error', error.message, 'the server logs say more; retry once it is healthy', details);
        return new CliError('cli.refused', error.message, null, details);
    }
  }
}

/** Reads `{error: {code, message, details}}`, `{code, message}` or `{error: "..."}`; falls back to `fallback`. */
export function parseServerError(text: string, fallback: string): ServerError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: null, message: text.trim() || fallback, details: {} };
  }
  const record = (value: unknown): Record<string, unknown> | null => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null);
  const outer = record(body);
  const inner = record(outer?.['error']) ?? outer;
  const message = typeof inner?.['message'] === 'string' ? inner['message'] : typeof outer?.['error'] === 'string' ? outer['error'] : fallback;
  const code = typeof inner?.['code'] === 'string' ? inner['code'] : null;
  const details = record(inner?.['details']) ?? {};
  return { code, message, details };
}
