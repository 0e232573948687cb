import { CustomTransportStrategy, Server, BaseRpcContext, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { BusMessage, Logger, MessageBus, Subscription } from '@roost/ports';

/** What a `@MessagePattern` handler on the bus is given besides the payload: the subject it came on. */
export class BusContext extends BaseRpcContext<[string]> {
  get subject(): string {
    return this.args[0];
  }
}

export interface BusTransportOptions {
  /** Queue group: each request goes to one member (e.g. the leader among several orchestrators). */
  readonly queue: string;
  readonly logger: Logger;
}

/**
 * A Nest transport strategy over Roost's own message bus port, so `@MessagePattern` handlers
 * answer on the in-memory bus and on NATS alike, with no envelope of Nest's: a handler is given
 * the request's bytes and its result (bytes) is the reply. It answers only while served:
 * `serve()` subscribes every pattern in the queue group, `pause()` unsubscribes (an
 * orchestrator serves while it leads). Requests without a reply subject are not answered.
 */
export class BusTransport extends Server implements CustomTransportStrategy {
  private subscriptions: Subscription[] = [];
  private listening = false;
  private serving = false;

  constructor(
    private readonly bus: MessageBus,
    private readonly options: BusTransportOptions,
  ) {
    super();
  }

  /** Called by Nest once every handler is registered. */
  listen(callback: () => void): void {
    this.listening = true;
    this.subscribeAll();
    callback();
  }

  /** Starts answering (now, or as soon as Nest listens). */
  serve(): void {
    this.serving = true;
    this.subscribeAll();
  }

  /** Stops answering; requests in flight still get their replies. */
  pause(): void {
    this.serving = false;
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions = [];
  }

  close(): void {
    this.pause();
    this.listening = false;
  }

  /** Events of the transport: none are emitted. */
  on(): never {
    throw new Error('the bus transport emits no events');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  private subscribeAll(): void {
    if (!this.listening || !this.serving || this.subscriptions.length > 0) return;
    for (const [pattern, handler] of this.getHandlers()) {
      this.subscriptions.push(this.bus.subscribe(pattern, (message) => this.answer(handler, message), { queue: this.options.queue }));
    }
  }

  private answer(handler: MessageHandler, message: BusMessage): void {
    const respond = message.respond;
    if (respond === undefined) {
      this.options.logger.warn({ subject: message.subject }, 'ignored a command sent without a reply subject; use request/reply');
      return;
    }
    const replied = (async () => {
      const reply: unknown = await lastValueFrom(this.transformToObservable(await handler(message.data, new BusContext([message.subject]))));
      if (!(reply instanceof Uint8Array)) throw new Error(`handler of ${message.subject} returned ${typeof reply}, not the reply's bytes`);
      respond(reply);
    })();
    replied.catch((error: unknown) => this.options.logger.error({ subject: message.subject, err: errorText(error) }, 'command handler crashed'));
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
