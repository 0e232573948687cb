import { subjectMatches, type BatchHandler, type EventConsumer, type Logger, type StoredEvent } from '@roost/ports';
import type { DurableState, MemoryStream } from './memory-stream';
import { nextTurnPromise } from './next-turn';

/**
 * Hands the stream's events to the handler in order, up to `maxBatch` at a time (1 for
 * `consume`), from just after the state's ack floor; a rejected batch is retried after
 * `redeliveryDelayMs` before any later event.
 */
export class MemoryConsumer implements EventConsumer {
  private stopping = false;
  private wakeRetry: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly stream: MemoryStream,
    private readonly state: DurableState,
    private readonly handler: BatchHandler,
    private readonly maxBatch: number,
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
      const batch = this.findFrom(cursor);
      const last = batch[batch.length - 1];
      if (!last) {
        cursor = this.stream.lastSequence + 1;
        await this.stream.nextAppend();
        continue;
      }
      if (await this.handle(batch)) {
        this.state.ackFloor = last.sequence;
        cursor = last.sequence + 1;
      } else {
        await this.retryPause();
      }
    }
  }

  private findFrom(cursor: number): StoredEvent[] {
    const filter = this.state.filterSubject;
    const found: StoredEvent[] = [];
    for (let seq = Math.max(cursor, this.state.ackFloor + 1); seq <= this.stream.lastSequence && found.length < this.maxBatch; seq++) {
      const event = this.stream.events[seq - 1];
      if (event && (!filter || subjectMatches(filter, event.subject))) found.push(event);
    }
    return found;
  }

  private async handle(batch: readonly StoredEvent[]): Promise<boolean> {
    try {
      await this.handler(batch);
      return true;
    } catch (error) {
      this.logger.warn(
        { stream: batch[0]?.stream, sequence: batch[0]?.sequence, events: batch.length, error: String(error) },
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
