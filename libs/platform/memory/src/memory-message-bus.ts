import { PortError, silentLogger, subjectMatches, type BusHandler, type BusMessage, type Logger, type MessageBus } from '@roost/ports';
import { nextTurn, nextTurnPromise } from './next-turn';

interface MemorySubscription {
  readonly pattern: string;
  readonly handler: BusHandler;
  readonly queue?: string;
  active: boolean;
}

/**
 * Core pub/sub in one process with NATS semantics: wildcards, queue groups (round robin per
 * pattern and queue name), request/reply with no_responders and timeout. At most once.
 */
export function createMemoryMessageBus(options: { logger?: Logger } = {}): MessageBus {
  return new MemoryMessageBus(options.logger ?? silentLogger);
}

class MemoryMessageBus implements MessageBus {
  private readonly subscriptions = new Set<MemorySubscription>();
  private readonly roundRobin = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  publish(subject: string, data: Uint8Array): void {
    this.route(subject, data, undefined);
  }

  subscribe(subject: string, handler: BusHandler, options?: { queue?: string }) {
    const sub: MemorySubscription = { pattern: subject, handler, active: true, ...(options?.queue ? { queue: options.queue } : {}) };
    this.subscriptions.add(sub);
    return {
      unsubscribe: () => {
        sub.active = false;
        this.subscriptions.delete(sub);
      },
    };
  }

  request(subject: string, data: Uint8Array, options: { timeoutMs: number }): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(new PortError('timeout', `request to ${subject}: timed out`));
      }, options.timeoutMs);
      const respond = (reply: Uint8Array): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(reply.slice());
      };
      if (this.route(subject, data, respond) === 0) {
        settled = true;
        clearTimeout(timer);
        nextTurn(() => reject(new PortError('no_responders', `request to ${subject}: no responders`)));
      }
    });
  }

  /** Everything published before has been handed to its subscribers once this resolves. */
  flush(): Promise<void> {
    return nextTurnPromise();
  }

  /** Schedules delivery to every plain subscriber and one member per queue group; returns how many. */
  private route(subject: string, data: Uint8Array, respond: ((data: Uint8Array) => void) | undefined): number {
    if (subject.includes('*') || subject.split('.').includes('>')) {
      throw new PortError('invalid_argument', `cannot publish to wildcard subject ${subject}`);
    }
    const recipients: MemorySubscription[] = [];
    const groups = new Map<string, MemorySubscription[]>();
    for (const sub of this.subscriptions) {
      if (!subjectMatches(sub.pattern, subject)) continue;
      if (sub.queue === undefined) recipients.push(sub);
      else {
        const key = `${sub.pattern}\u0000${sub.queue}`;
        groups.set(key, [...(groups.get(key) ?? []), sub]);
      }
    }
    for (const [key, members] of groups) {
      const turn = this.roundRobin.get(key) ?? 0;
      this.roundRobin.set(key, turn + 1);
      const member = members[turn % members.length];
      if (member) recipients.push(member);
    }
    for (const sub of recipients) {
      const message: BusMessage = respond
        ? { subject, data: data.slice(), respond: (reply) => respond(reply) }
        : { subject, data: data.slice() };
      nextTurn(() => this.deliver(sub, message));
    }
    return recipients.length;
  }

  private deliver(sub: MemorySubscription, message: BusMessage): void {
    if (!sub.active) return;
    try {
      sub.handler(message);
    } catch (error) {
      this.logger.error({ subject: message.subject, error: String(error) }, 'bus handler threw');
    }
  }
}
