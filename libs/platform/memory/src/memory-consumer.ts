import { subjectMatches, type EventConsumer, type EventHandler, type Logger, type StoredEvent } from '@roost/ports';
import type { DurableState, MemoryStream } from './memory-stream';
import { nextTurnPromise } from './next-turn';

/**
 * Hands the stream's events to the handler one at a time, in order, from just after the
 * state's ack floor; a rejected event is retried after `redeliveryDelayMs` before any later one.
 */
export class MemoryConsumer implements EventConsumer {
  private stopping = false;
  private wakeRetry: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly stream: MemoryStream,
    private readonly state: DurableState,
    private readonly handler: EventHandler,
    private readonly redeliveryDelayMs: number,
    private readonly logger: Logger,
  ) {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stream.wake();
    this.wakeRetry?.();
    await this.done;
  }

  private async run(): Promise<void> {
    await nextTurnPromise();
    let cursor = this.state.ackFloor + 1;
    while (!this.stopping) {
      const event = this.findFrom(cursor);
      if (!event) {
        cursor = this.stream.lastSequence + 1;
        await this.stream.nextAppend();
        continue;
      }
      if (await this.handle(event)) {
        this.state.ackFloor = event.sequence;
        cursor = event.sequence + 1;
      } else {
        await this.retryPause();
      }
    }
  }

  private findFrom(cursor: number): StoredEvent | undefined {
    const filter = this.state.filterSubject;
    for (let seq = Math.max(cursor, this.state.ackFloor + 1); seq <= this.stream.lastSequence; seq++) {
      const event = this.stream.events[seq - 1];
      if (event && (!filter || subjectMatches(filter, event.subject))) return event;
    }
    return undefined;
  }

  private async handle(event: StoredEvent): Promise<boolean> {
    try {
      await this.handler(event);
      return true;
    } catch (error) {
      this.logger.warn(
        { stream: event.stream, sequence: event.sequence, error: String(error) },
        'handler rejected event; redelivering',
      );
      return false;
    }
  }

  private retryPause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.redeliveryDelayMs);
      this.wakeRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
