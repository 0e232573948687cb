/**
 * What the benchmark needs from a server: an OpAMP WebSocket endpoint on loopback, a way to
 * push a remote config to every connected agent, and counters. The bare `ws` baseline, the
 * Roost gateway and the opamp-go peer each implement it in `servers/`; `server-process.ts`
 * hosts one per process (the opamp-go peer runs in a Go process of its own, started by it).
 */
export interface ServerUnderTest {
  /** Listens on 127.0.0.1 (ephemeral port); resolves with the agents' ws:// URL. */
  start(): Promise<{ url: string }>;
  /** Agents whose first message the server has processed and that are still connected. */
  connectedAgents(): number | Promise<number>;
  /** Untimed set-up of a delivery: store the config, assign it to every connected agent. */
  prepareConfig(body: Buffer): Promise<void>;
  /**
   * Timed: sends the prepared config to every connected agent and resolves once the server has
   * processed every agent's answer (the APPLIED report, for the gateway). `fanOutMs`, when the
   * server knows it, is the time until the last config frame was handed to a socket.
   */
  deliverConfig(): Promise<{ agents: number; fanOutMs?: number }>;
  /** Agent messages processed since start; monotonic. */
  messagesProcessed(): Promise<number>;
  /** Bytes of process memory that belong to something other than the server itself, if any. */
  retainedBytes?(): { label: string; bytes: number };
  /**
   * For a server that runs in a process of its own (not this Node process): that process's CPU
   * time and resident memory, which the host process reports instead of its own.
   */
  externalUsage?(): Promise<{ cpuMicros: number; rssBytes: number }>;
  /** For an external server: a garbage collection there before memory is read. */
  collectGarbage?(): Promise<void>;
  stop(): Promise<void>;
}

/** Thrown by a server adapter that cannot run yet; the runner reports it instead of figures. */
export class ServerNotWiredError extends Error {
  readonly code = 'SERVER_NOT_WIRED';
}

export const SERVER_KINDS = ['baseline', 'gateway', 'opamp-go'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];
