/**
 * Driver for the opamp-go interop agent (`test/interop/opamp-go/agent`): builds the Go binary
 * once per source version, runs it as a child process, and exposes its JSON-line events.
 *
 * Go is required. Without it `buildGoAgent` throws `GoMissingError`, so a suite using this
 * driver fails loudly instead of passing without having talked to the real client.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildGoProgram } from '../support/go-build';

export { findGo, GoMissingError } from '../support/go-build';

const AGENT_SOURCE_DIR = join(__dirname, 'opamp-go', 'agent');
const STOP_TIMEOUT_MS = 15_000;

/** One line of the agent's stdout: `event` names it; the other fields depend on the event. */
export interface GoAgentEvent {
  event: string;
  ts: number;
  [field: string]: unknown;
}

export interface GoAgentOptions {
  /** ws://, wss:// (WebSocket client) or http://, https:// (plain-HTTP client). */
  server: string;
  /** UUID text; the agent generates a UUIDv7 when absent. */
  instanceUid?: string;
  acceptsRemoteConfig?: boolean;
  reportsRemoteConfig?: boolean;
  reportsEffectiveConfig?: boolean;
  reportsHealth?: boolean;
  reportsHeartbeat?: boolean;
  /** Heartbeat (WebSocket) or polling (HTTP) interval in milliseconds. */
  heartbeatMs?: number;
  /** A remote config whose body contains this text is reported FAILED. */
  rejectMarker?: string;
  requestInstanceUid?: boolean;
  /** Identifying attributes, e.g. `{ 'service.environment': 'prod' }`. */
  labels?: Record<string, string>;
  /** Non-identifying attributes. */
  attributes?: Record<string, string>;
  /** Relay through the agent's wire tap (sent/received events, `drop`). Default true; must be false with TLS files. */
  tap?: boolean;
  /** PEM files: the CA the server's certificate must chain to; the client certificate and key (mTLS). */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Request headers sent on every connection, e.g. `{ Authorization: 'Bearer roost_et_…' }`. */
  headers?: Record<string, string>;
  /** Advertise AcceptsOpAMPConnectionSettings and reconnect with offered settings (as the collector supervisor does). */
  acceptsOpampConnectionSettings?: boolean;
}

export type GoAgentCommand = 'stop' | 'restart' | 'drop' | 'health ok' | `health fail ${string}`;

/** Builds the agent once per process and source version; returns the binary's path. */
export function buildGoAgent(): Promise<string> {
  return buildGoProgram(AGENT_SOURCE_DIR, 'opamp-go-agent');
}

function toArgs(o: GoAgentOptions): string[] {
  const args = ['--server', o.server];
  const flag = (name: string, value: boolean | undefined) => {
    if (value !== undefined) args.push(`--${name}=${value}`);
  };
  if (o.instanceUid) args.push('--instance-uid', o.instanceUid);
  flag('accepts-remote-config', o.acceptsRemoteConfig);
  flag('reports-remote-config', o.reportsRemoteConfig);
  flag('reports-effective-config', o.reportsEffectiveConfig);
  flag('reports-health', o.reportsHealth);
  flag('reports-heartbeat', o.reportsHeartbeat);
  flag('request-instance-uid', o.requestInstanceUid);
  flag('accepts-opamp-connection-settings', o.acceptsOpampConnectionSettings);
  flag('tap', o.tap);
  if (o.heartbeatMs !== undefined) args.push('--heartbeat', `${o.heartbeatMs}ms`);
  if (o.rejectMarker !== undefined) args.push('--reject-marker', o.rejectMarker);
  for (const [k, v] of Object.entries(o.labels ?? {})) args.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(o.attributes ?? {})) args.push('--attr', `${k}=${v}`);
  for (const [k, v] of Object.entries(o.headers ?? {})) args.push('--header', `${k}=${v}`);
  if (o.caFile !== undefined) args.push('--ca-file', o.caFile);
  if (o.certFile !== undefined) args.push('--cert-file', o.certFile, '--key-file', o.keyFile ?? '');
  return args;
}

interface Waiter {
  predicate: (e: GoAgentEvent) => boolean;
  from: number;
  resolve: (e: GoAgentEvent) => void;
}

/** A running interop agent. Every event it printed is kept in `events`, in order. */
export class GoAgent {
  readonly events: GoAgentEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly stderrTail: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 50) this.stderrTail.shift();
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Builds (once) and starts an agent; resolves when it reports `started`. */
  static async start(options: GoAgentOptions): Promise<GoAgent> {
    const binary = await buildGoAgent();
    const agent = new GoAgent(spawn(binary, toArgs(options), { stdio: ['pipe', 'pipe', 'pipe'] }));
    await agent.waitFor((e) => e.event === 'started' || e.event === 'error');
    const failed = agent.events.find((e) => e.event === 'error');
    if (failed) throw new Error(`interop agent failed to start: ${JSON.stringify(failed)}`);
    return agent;
  }

  /** Index of the next event; pass it as `from` to wait only for events after this point. */
  mark(): number {
    return this.events.length;
  }

  eventsSince(from: number, name?: string): GoAgentEvent[] {
    return this.events.slice(from).filter((e) => name === undefined || e.event === name);
  }

  /** Resolves with the first event at index >= `from` matching the predicate. */
  waitFor(predicate: (e: GoAgentEvent) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<GoAgentEvent> {
    const from = opts.from ?? 0;
    const seen = this.events.slice(from).find(predicate);
    if (seen) return Promise.resolve(seen);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        from,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`interop agent: no matching event within ${timeoutMs} ms.\n${this.describe()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  send(command: GoAgentCommand): void {
    this.child.stdin.write(`${command}\n`);
  }

  /** Graceful stop (agent_disconnect on WebSocket); kills the process if it does not exit. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.send('stop');
      this.child.stdin.end();
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private onLine(line: string): void {
    let event: GoAgentEvent;
    try {
      event = JSON.parse(line) as GoAgentEvent;
    } catch {
      event = { event: 'unparsed', ts: Date.now(), line };
    }
    const index = this.events.push(event) - 1;
    for (const w of this.waiters) {
      if (index >= w.from && w.predicate(event)) {
        this.waiters.delete(w);
        w.resolve(event);
      }
    }
  }

  private describe(): string {
    const last = this.events.slice(-15).map((e) => JSON.stringify(e));
    return `last events:\n${last.join('\n')}\nstderr tail:\n${this.stderrTail.slice(-10).join('\n')}`;
  }
}
