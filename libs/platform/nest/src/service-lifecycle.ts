import type { ShellPlatform } from './platform-module';

/** Stops one started service; called at most once. */
export type ServiceStop = () => Promise<void>;

export interface ServiceLifecycleOptions {
  /** The services of this process in the order they start; each waits for those before it. */
  readonly startOrder: readonly string[];
  /** The order they stop in; any service not named stops after these, latest started first. */
  readonly stopOrder?: readonly string[];
}

/** Raised for a service that did not start because one before it failed to start. */
export class StartAbandonedError extends Error {
  readonly code = 'service.start_abandoned';
  constructor(readonly service: string) {
    super(`${service} was not started: a service before it failed to start`);
    this.name = 'StartAbandonedError';
  }
}

interface Turn {
  readonly done: Promise<void>;
  readonly finish: () => void;
}

/**
 * The start and stop sequence of the services of one process, whatever order Nest instantiates
 * their modules in: starts run one after another in `startOrder`, a failed start abandons the
 * ones after it, and stopping any one service first stops every service before it in
 * `stopOrder`. The platform the services share closes last, if this process opened it.
 */
export class ServiceLifecycle {
  private readonly turns = new Map<string, Turn>();
  private readonly stops = new Map<string, ServiceStop>();
  private readonly stopped = new Map<string, Promise<void>>();
  private readonly startedInOrder: string[] = [];
  private abandoned = false;
  private closePlatform: (() => Promise<void>) | null = null;
  private everything: Promise<void> | null = null;

  constructor(private readonly options: ServiceLifecycleOptions) {}

  /** Opens the platform every service shares; `owned` platforms close after the last service stops. */
  async openPlatform(open: () => Promise<ShellPlatform>, owned: boolean): Promise<ShellPlatform> {
    const platform = await open();
    if (owned) this.closePlatform = () => platform.close();
    return platform;
  }

  /** Starts one service in its turn and keeps how to stop it. */
  async start<T>(name: string, start: () => Promise<T>, stopOf: (service: T) => ServiceStop): Promise<T> {
    const index = this.options.startOrder.indexOf(name);
    if (index === -1) throw new Error(`${name} is not among the services of this process (${this.options.startOrder.join(', ')}); add it to startOrder`);
    try {
      await Promise.all(this.options.startOrder.slice(0, index).map((before) => this.turn(before).done));
      if (this.abandoned) throw new StartAbandonedError(name);
      const service = await start();
      this.stops.set(name, stopOf(service));
      this.startedInOrder.push(name);
      return service;
    } catch (error) {
      this.abandoned = true;
      throw error;
    } finally {
      this.turn(name).finish();
    }
  }

  /** Stops one service, after every service its stop order puts before it; at most once each. */
  async stopService(name: string): Promise<void> {
    for (const before of this.stopSequence()) {
      if (before === name) break;
      await this.stopOne(before);
    }
    await this.stopOne(name);
  }

  /** Stops every started service in order, then closes an owned platform; at most once. */
  stopAll(): Promise<void> {
    return (this.everything ??= (async () => {
      for (const name of this.stopSequence()) await this.stopOne(name);
      await this.closePlatform?.();
    })());
  }

  /** After a failed start: abandons the starts still waiting, then stops what did start. */
  abandon(): Promise<void> {
    this.abandoned = true;
    for (const name of this.options.startOrder) this.turn(name).finish();
    return this.stopAll();
  }

  private stopSequence(): string[] {
    const named = this.options.stopOrder ?? [];
    const rest = [...this.startedInOrder].reverse().filter((name) => !named.includes(name));
    return [...named, ...rest];
  }

  private stopOne(name: string): Promise<void> {
    const stop = this.stops.get(name);
    if (stop === undefined) return Promise.resolve();
    let stopping = this.stopped.get(name);
    if (stopping === undefined) {
      stopping = stop();
      this.stopped.set(name, stopping);
    }
    return stopping;
  }

  private turn(name: string): Turn {
    let turn = this.turns.get(name);
    if (turn === undefined) {
      let finish = (): void => undefined;
      const done = new Promise<void>((resolve) => (finish = resolve));
      turn = { done, finish };
      this.turns.set(name, turn);
    }
    return turn;
  }
}
