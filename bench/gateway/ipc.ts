/**
 * Request/response over Node's child-process IPC channel, used between the benchmark runner and
 * its server and agent processes. Each request carries an id; the child answers once.
 */
import type { ChildProcess } from 'node:child_process';

interface Request {
  id: number;
  type: string;
  payload: unknown;
}

interface Response {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export type Handlers = Record<string, (payload: never) => unknown>;

let nextId = 1;

/** Sends one request to a child and resolves with its answer, or rejects after `timeoutMs`. */
export function request<T>(child: ChildProcess, type: string, payload: unknown = {}, timeoutMs = 120_000): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const onMessage = (msg: Response) => {
      if (msg?.id !== id) return;
      cleanup();
      if (msg.ok) resolve(msg.result as T);
      else reject(new Error(`${type}: ${msg.error}`));
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${type}: child exited (${code}) before answering`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${type}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send({ id, type, payload } satisfies Request);
  });
}

/**
 * Answers the parent's requests in a child process. The child exits when the parent goes away,
 * so no benchmark process outlives the run.
 */
export function serve(handlers: Handlers): void {
  if (!process.send) throw new Error('this script runs as a child of bench/gateway/run.ts');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg: Request) => {
    const handler = handlers[msg.type];
    const reply = (r: Omit<Response, 'id'>) => process.send?.({ id: msg.id, ...r });
    if (!handler) {
      reply({ ok: false, error: `unknown request ${msg.type}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(msg.payload as never))
      .then(
        (result) => reply({ ok: true, result }),
        (err: unknown) => reply({ ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
      );
  });
}
