import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { silentLogger, type ComponentHealth, type Logger } from '@roost/ports';
import { DEFAULT_BACKOFF, reconnectDelayMs, type BackoffPolicy } from './reconnect-backoff';

export interface NatsConnectOptions {
  /** One URL or a comma-separated list, e.g. `nats://127.0.0.1:4222`. */
  readonly url: string;
  /** Connection name shown by the server (e.g. `roost-gateway-1`). */
  readonly name?: string;
  readonly logger?: Logger;
  readonly backoff?: Partial<BackoffPolicy>;
  /** Keep trying when the server is not there at start (default true). */
  readonly waitOnFirstConnect?: boolean;
}

export type NatsConnectionState = 'connected' | 'reconnecting' | 'draining' | 'closed';

/** One NATS connection that reconnects forever, reports its state and drains on close. */
export interface NatsClient {
  readonly nc: NatsConnection;
  state(): NatsConnectionState;
  /** Reconnects since the connection was first made. */
  reconnects(): number;
  health(): ComponentHealth;
  /** Drains subscriptions and pending publishes, then closes. Safe to call twice. */
  close(): Promise<void>;
}

export async function connectNats(options: NatsConnectOptions): Promise<NatsClient> {
  const logger = options.logger ?? silentLogger;
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...options.backoff };
  let attempt = 0;
  const nc = await connect({
    servers: options.url.split(',').map((s) => s.trim()),
    name: options.name ?? 'roost',
    maxReconnectAttempts: -1,
    waitOnFirstConnect: options.waitOnFirstConnect ?? true,
    reconnectDelayHandler: () => reconnectDelayMs(++attempt, policy, Math.random()),
    pingInterval: 10_000,
    maxPingOut: 3,
    // Without this, every request (and so every JetStream publish) builds two Error objects
    // up front, stack traces included, in case it fails: half the CPU of a gateway publishing
    // fleet events. Our adapters name the operation in every error they raise instead.
    noAsyncTraces: true,
  });
  const client = new TrackedNatsClient(nc, logger, () => (attempt = 0));
  logger.info({ server: nc.getServer(), name: options.name }, 'nats connected');
  return client;
}

class TrackedNatsClient implements NatsClient {
  private current: NatsConnectionState = 'connected';
  private reconnectCount = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly nc: NatsConnection,
    private readonly logger: Logger,
    private readonly resetBackoff: () => void,
  ) {
    this.watchStatus().catch((error: unknown) => logger.error({ error: String(error) }, 'nats status watch failed'));
    nc.closed()
      .then((error) => {
        this.current = 'closed';
        if (error) logger.error({ error: error.message }, 'nats connection closed with an error');
        else logger.info({}, 'nats connection closed');
      })
      .catch(() => undefined);
  }

  state(): NatsConnectionState {
    return this.current;
  }

  reconnects(): number {
    return this.reconnectCount;
  }

  health(): ComponentHealth {
    const detail = this.reconnectCount > 0 ? `${this.current} (${this.reconnectCount} reconnects)` : this.current;
    return { component: 'nats', healthy: this.current === 'connected', detail };
  }

  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  private async drain(): Promise<void> {
    if (this.nc.isClosed()) return;
    this.current = 'draining';
    try {
      await this.nc.drain();
    } catch (error) {
      this.logger.warn({ error: String(error) }, 'nats drain failed; closing');
      await this.nc.close();
    }
    this.current = 'closed';
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      switch (status.type) {
        case 'disconnect':
          if (this.current === 'connected') this.current = 'reconnecting';
          this.logger.warn({ server: status.server }, 'nats disconnected');
          break;
        case 'reconnecting':
          this.logger.debug({}, 'nats reconnecting');
          break;
        case 'reconnect':
          this.reconnectCount++;
          this.resetBackoff();
          if (this.current === 'reconnecting') this.current = 'connected';
          this.logger.info({ server: status.server, reconnects: this.reconnectCount }, 'nats reconnected');
          break;
        case 'error':
          this.logger.error({ error: status.error.message }, 'nats error');
          break;
        case 'staleConnection':
          this.logger.warn({}, 'nats connection is stale');
          break;
        case 'slowConsumer':
          this.logger.warn({ subject: status.sub.getSubject() }, 'nats slow consumer');
          break;
        case 'update':
        case 'ldm':
        case 'ping':
        case 'forceReconnect':
        case 'close':
          break;
      }
    }
  }
}
