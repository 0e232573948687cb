import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root (this file is services/cli/src/demo/). */
export const REPO_ROOT = resolve(__dirname, '../../../..');
const SERVER_MAIN = join(REPO_ROOT, 'services/all-in-one/src/main.ts');
const READY_TIMEOUT_MS = 60_000;

export interface Endpoint {
  readonly service: string;
  readonly what: string;
  readonly url: string;
}

export interface RoostProcesses {
  /** Admin API base URL. */
  readonly adminUrl: string;
  /** OpAMP WebSocket URL. */
  readonly opampUrl: string;
  readonly pids: readonly number[];
  readonly logFiles: readonly string[];
  /** SIGTERM to each (gateway first), resolves when all exited; their exit codes. */
  stop(): Promise<number[]>;
}

export interface StartOptions {
  /** Where each process's log goes (`<service>.log`). */
  readonly logDir: string;
  /** Set: one OS process per service on these engines; unset: one all-in-one process in memory. */
  readonly cluster?: { readonly natsUrl: string; readonly redisUrl: string };
}

/**
 * Starts Roost the way a user would, with the `roost` server binary: one all-in-one process, or
 * (with `cluster`) one process per service on NATS and Redis. Every port is picked free; the
 * endpoints are read from each process's `roost ready` log line.
 */
export async function startRoostProcesses(options: StartOptions): Promise<RoostProcesses> {
  const ports = ['--gateway-port', '0', '--projector-port', '0', '--orchestrator-port', '0', '--admin-port', '0', '--grpc-port', 'off'];
  const plans = options.cluster
    ? ['projector', 'orchestrator', 'admin-api', 'gateway'].map((service) => ({ name: service, args: [service, ...ports] }))
    : [{ name: 'all-in-one', args: ports }];
  // The demo decides the engines: a NATS_URL or REDIS_URL of the caller's shell must not leak in.
  const { NATS_URL: _nats, REDIS_URL: _redis, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info', ...(options.cluster ? { NATS_URL: options.cluster.natsUrl, REDIS_URL: options.cluster.redisUrl } : {}) };
  const started: Started[] = [];
  try {
    for (const plan of plans) started.push(await startOne(plan.name, plan.args, env, options.logDir));
  } catch (error) {
    await Promise.all(started.map((one) => one.stop()));
    throw error;
  }
  const endpoints = started.flatMap((one) => one.endpoints);
  const find = (what: string): string => {
    const endpoint = endpoints.find((e) => e.what === what);
    if (endpoint === undefined) throw new Error(`no ${what} among the endpoints Roost printed`);
    return endpoint.url;
  };
  return {
    adminUrl: find('admin API (HTTP)'),
    opampUrl: find('OpAMP over WebSocket'),
    pids: started.map((one) => one.child.pid ?? 0),
    logFiles: started.map((one) => one.logFile),
    stop: async () => {
      const codes: number[] = [];
      for (const one of [...started].reverse()) codes.push(await one.stop());
      return codes;
    },
  };
}

interface Started {
  readonly child: ChildProcess;
  readonly endpoints: readonly Endpoint[];
  readonly logFile: string;
  stop(): Promise<number>;
}

async function startOne(name: string, args: readonly string[], env: NodeJS.ProcessEnv, logDir: string): Promise<Started> {
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_MAIN, ...args, '--log-format', 'json'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number>((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? (signal === 'SIGTERM' ? 143 : 1))));
  child.stderr?.pipe(log, { end: false });
  const endpoints = await new Promise<Endpoint[]>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not report ready within ${READY_TIMEOUT_MS} ms; see ${logFile}`)), READY_TIMEOUT_MS);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready; see ${logFile}`));
    });
    if (child.stdout === null) return reject(new Error(`${name} has no stdout`));
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.write(`${line}\n`);
      const entry = parseLine(line);
      if (entry?.['msg'] === 'roost ready') {
        clearTimeout(timer);
        resolveReady((entry['endpoints'] as Endpoint[] | undefined) ?? []);
      }
    });
  });
  return {
    child,
    endpoints,
    logFile,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      log.end();
      return code;
    },
  };
}

function parseLine(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}
