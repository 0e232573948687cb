/** A message received on a core (non-durable) subject. */
export interface BusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  /** Present when the sender awaits a reply; call it at most once. */
  readonly respond?: (data: Uint8Array) => void;
}

export type BusHandler = (message: BusMessage) => void;

export interface Subscription {
  unsubscribe(): void;
}

/**
 * Core pub/sub and request/reply (NATS core subjects, fire-and-forget).
 * Subjects are dot-separated tokens; subscriptions accept `*` (one token) and `>` (the rest).
 */
export interface MessageBus {
  publish(subject: string, data: Uint8Array): void;
  /** With a queue name, each message goes to one member of the queue group. */
  subscribe(subject: string, handler: BusHandler, options?: { queue?: string }): Subscription;
  /** Rejects with a PortError coded `no_responders` or `timeout`. */
  request(subject: string, data: Uint8Array, options: { timeoutMs: number }): Promise<Uint8Array>;
  /** Resolves once everything published so far has reached the server. */
  flush(): Promise<void>;
}
