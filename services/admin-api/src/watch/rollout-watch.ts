import type { Logger, ViewStore } from '@roost/ports';
import { isTerminal, readRolloutResource, type RolloutResource } from '../reads/rollout-resource';

export interface WatchListener {
  /** Each new state of the rollout, the first one at once (when the views have it). */
  progress(rollout: RolloutResource): void;
  /** The rollout reached a final status (after its last progress), or the watch failed. */
  end(reason: 'finished' | 'failed'): void;
}

export interface WatchHandle {
  close(): void;
}

/**
 * Live progress of rollouts for server-sent events and gRPC streams. One poller per watched
 * rollout reads its views every `intervalMs` and tells every listener when the rollout's
 * history moved on (its `version` or `updatedAt` changed), however many clients watch it.
 */
export class RolloutWatches {
  private readonly pollers = new Map<string, Poller>();

  constructor(
    private readonly views: ViewStore,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  watch(rolloutId: string, listener: WatchListener): WatchHandle {
    let poller = this.pollers.get(rolloutId);
    if (poller === undefined) {
      poller = new Poller(rolloutId, this.views, this.intervalMs, this.logger, () => this.pollers.delete(rolloutId));
      this.pollers.set(rolloutId, poller);
    }
    return poller.add(listener);
  }

  /** Ends every watch (shutdown); listeners get `end('failed')`. */
  closeAll(): void {
    for (const poller of [...this.pollers.values()]) poller.finish('failed');
  }

  get active(): number {
    return this.pollers.size;
  }
}

/** Consecutive failed reads before the watchers are told it failed. */
const MAX_FAILED_READS = 20;

class Poller {
  private readonly listeners = new Set<WatchListener>();
  private last: RolloutResource | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading = false;
  private failures = 0;

  constructor(
    private readonly rolloutId: string,
    private readonly views: ViewStore,
    intervalMs: number,
    private readonly logger: Logger,
    private readonly onIdle: () => void,
  ) {
    this.timer = setInterval(() => void this.poll(), intervalMs);
    void this.poll();
  }

  add(listener: WatchListener): WatchHandle {
    this.listeners.add(listener);
    if (this.last !== null) listener.progress(this.last);
    return { close: () => this.remove(listener) };
  }

  finish(reason: 'finished' | 'failed'): void {
    this.stop();
    for (const listener of [...this.listeners]) listener.end(reason);
    this.listeners.clear();
  }

  private remove(listener: WatchListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.stop();
  }

  /** At most once: a later call (a listener leaving after the end) must not unregister a newer poller. */
  private stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.onIdle();
  }

  private async poll(): Promise<void> {
    if (this.reading || this.timer === null) return;
    this.reading = true;
    try {
      const rollout = await readRolloutResource(this.views, this.rolloutId, { transitions: false });
      this.failures = 0;
      if (rollout === null || !this.changed(rollout)) return;
      this.last = rollout;
      for (const listener of [...this.listeners]) listener.progress(rollout);
      if (isTerminal(rollout.status)) this.finish('finished');
    } catch (error) {
      this.failures += 1;
      this.logger.warn({ rolloutId: this.rolloutId, err: String(error), failures: this.failures }, 'watch could not read the rollout views');
      if (this.failures >= MAX_FAILED_READS) this.finish('failed');
    } finally {
      this.reading = false;
    }
  }

  private changed(rollout: RolloutResource): boolean {
    return this.last === null || rollout.version !== this.last.version || rollout.updatedAt !== this.last.updatedAt || rollout.status !== this.last.status;
  }
}
