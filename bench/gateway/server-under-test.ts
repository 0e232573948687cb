/**
 * What the benchmark needs from a server: an OpAMP WebSocket endpoint on loopback, a way to
 * push a remote config to every connected agent, and counters. The bare `ws` baseline and the
 * Roost gateway each implement it in `servers/`; `server-process.ts` hosts one per process.
 */
export interface ServerUnderTest {
  /** Listens on 127.0.0.1 (ephemeral port); resolves with the agents' ws:// URL. */
  start(): Promise<{ url: string }>;
  /** Agents whose first message the server has processed and that are still connected. */
  connectedAgents(): number;
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
  stop(): Promise<void>;
}

/** Thrown by a server adapter that cannot run yet; the runner reports it instead of figures. */
export class ServerNotWiredError extends Error {
  readonly code = 'SERVER_NOT_WIRED';
}

export const SERVER_KINDS = ['baseline', 'gateway'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];
