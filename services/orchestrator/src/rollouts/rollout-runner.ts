import type { CommandError } from '@roost/contracts';
import { ConcurrencyConflictError, type Logger } from '@roost/ports';
import { decide, isActive, type Notify, type RolloutEffect, type RolloutEvent, type RolloutInput, type RolloutState } from '@roost/rollout';
import { OrchestratorError } from '../orchestrator-error';
import { foldEffects, type BatchEffects } from './batch-effects';
import { AssignmentRelease } from './assignment-release';
import type { DesiredWriter } from './desired-writer';
import type { RolloutHistory, RolloutStore } from './rollout-store';

export type InputOutcome = { readonly ok: true; readonly state: RolloutState } | { readonly ok: false; readonly error: CommandError };

/** One unit of work for a rollout: inputs built at decision time, and (for commands) who to tell. */
export interface QueuedInput {
  build(now: number, state: RolloutState | null): readonly RolloutInput[];
  settle?(outcome: InputOutcome): void;
}

export interface RunnerDeps {
  readonly store: RolloutStore;
  readonly writeDesired: DesiredWriter;
  readonly notify: (notification: Notify, state: RolloutState) => void;
  /** The inputs that bring a rollout up to date with the fleet view (observations + a Tick). */
  readonly reconcileInput: (runner: RolloutRunner) => QueuedInput;
  /** Writes what the rollout's history implies where `agent-desired` differs. */
  readonly reconcileDesired: (state: RolloutState) => Promise<void>;
  readonly ended: (runner: RolloutRunner) => void;
  readonly now: () => number;
  readonly logger: Logger;
}

/** Inputs decided together and stored with one pipelined append. */
const MAX_BATCH = 5_000;
const CONFLICT_ATTEMPTS = 3;
const RESYNC_BACKOFF_MS = [250, 1_000, 3_000, 10_000];
/** Longest setTimeout delay Node accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs one rollout: a queue of inputs decided in order against the state rebuilt from its
 * events. Each batch is decided in memory, its events appended (optimistic concurrency, dedup
 * ids), and only then are commands answered and effects carried out — desired-config writes and
 * nudges, the rollout's timer, notifications. When the store refuses a batch the runner reloads
 * its history and brings itself up to date from the fleet (level-triggered), so a lost decision
 * is decided again rather than half applied.
 */
export class RolloutRunner {
  private queue: QueuedInput[] = [];
  private draining: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private resyncTimer: NodeJS.Timeout | null = null;
  private resyncAttempt = 0;
  private stopped = false;
  state: RolloutState | null;
  private lastSequence: number;

  constructor(
    readonly rolloutId: string,
    history: RolloutHistory,
    private readonly deps: RunnerDeps,
  ) {
    this.state = history.state;
    this.lastSequence = history.lastSequence;
  }

  get active(): boolean {
    return this.state !== null && isActive(this.state.status);
  }

  /** True while inputs are queued or being decided. */
  get busy(): boolean {
    return this.draining !== null;
  }

  submit(item: QueuedInput): void {
    if (this.stopped) {
      item.settle?.({ ok: false, error: notLeader() });
      return;
    }
    this.queue.push(item);
    this.startDraining();
  }

  private startDraining(): void {
    if (this.draining !== null) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      // Submitted after the loop found the queue empty, but before this ran: it would wait
      // for the next input otherwise (a fleet event could sit there until the apply timeout).
      if (this.queue.length > 0 && !this.stopped) this.startDraining();
    });
  }

  /** Submits and resolves with the outcome once stored (or refused). */
  run(build: QueuedInput['build']): Promise<InputOutcome> {
    return new Promise((settle) => this.submit({ build, settle }));
  }

  async idle(): Promise<void> {
    while (this.draining !== null) await this.draining;
  }

  /** Stops at once (leadership lost): no more decisions, timers or retries. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    if (this.resyncTimer !== null) clearTimeout(this.resyncTimer);
    for (const item of this.queue.splice(0)) item.settle?.({ ok: false, error: notLeader() });
  }

  /** Reloads the history and reconciles desired configs and the fleet view against it. */
  async resync(): Promise<void> {
    const history = await this.deps.store.load(this.rolloutId);
    this.state = history.state;
    this.lastSequence = history.lastSequence;
    if (this.state === null) return;
    await this.deps.reconcileDesired(this.state);
    if (this.active) this.submit(this.deps.reconcileInput(this));
    else this.deps.ended(this);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.process(batch);
      } catch (error) {
        this.deps.logger.error({ rolloutId: this.rolloutId, err: String(error) }, 'rollout batch failed');
        this.refuse(batch, error);
        this.scheduleResync();
      }
    }
  }

  private async process(batch: readonly QueuedInput[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const decided = this.decideBatch(batch);
      const effects = foldEffects(decided.effects);
      const release = new AssignmentRelease(this.rolloutId, decided.events, effects.assignments, this.deps.writeDesired);
      if (decided.events.length > 0) {
        try {
          this.lastSequence = await this.deps.store.append(this.rolloutId, decided.events, this.lastSequence, (count) => release.stored(count));
        } catch (error) {
          if ((await release.settled()).length > 0) this.scheduleResync();
          if (error instanceof ConcurrencyConflictError && attempt < CONFLICT_ATTEMPTS) {
            this.deps.logger.warn({ rolloutId: this.rolloutId, attempt }, 'rollout history moved on; reloading and deciding again');
            const history = await this.deps.store.load(this.rolloutId);
            this.state = history.state;
            this.lastSequence = history.lastSequence;
            continue;
          }
          throw error;
        }
      }
      this.state = decided.state;
      release.stored(decided.events.length);
      batch.forEach((item, index) => item.settle?.(decided.outcomes[index] as InputOutcome));
      if ((await release.settled()).length > 0) this.scheduleResync();
      this.carryOut(effects);
      if (!this.active && this.state !== null) {
        this.clearTimer();
        this.deps.ended(this);
      }
      return;
    }
  }

  private decideBatch(batch: readonly QueuedInput[]): { events: RolloutEvent[]; effects: RolloutEffect[]; state: RolloutState | null; outcomes: InputOutcome[] } {
    const now = this.deps.now();
    let state = this.state;
    const events: RolloutEvent[] = [];
    const effects: RolloutEffect[] = [];
    const refusals: (CommandError | null)[] = [];
    for (const item of batch) {
      let refusal: CommandError | null = null;
      for (const input of item.build(now, state)) {
        const decision = decide(state, input);
        if (!decision.ok) {
          refusal = { code: decision.error.code, message: decision.error.message, details: { ...decision.error.details } };
          continue;
        }
        state = decision.state ?? state;
        events.push(...decision.events);
        effects.push(...decision.effects);
      }
      refusals.push(refusal);
    }
    // Outcomes report the state after the whole batch: that is what is stored together.
    const outcomes = refusals.map((error): InputOutcome => {
      if (error !== null) return { ok: false, error };
      return state === null ? { ok: false, error: { code: 'rollout.not_found', message: `no rollout ${this.rolloutId}`, details: { rolloutId: this.rolloutId } } } : { ok: true, state };
    });
    return { events, effects, state, outcomes };
  }

  /** Timers and notifications, once the decision is stored and its desired configs written. */
  private carryOut(folded: BatchEffects): void {
    if (folded.timer === 'disarm') this.clearTimer();
    else if (folded.timer !== undefined) this.arm(folded.timer.at);
    const state = this.state;
    if (state !== null) for (const notification of folded.notifications) this.deps.notify(notification, state);
  }

  private arm(at: number): void {
    this.clearTimer();
    if (this.stopped) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.deps.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.submit({ build: (now) => [{ type: 'Tick', now }] });
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private refuse(batch: readonly QueuedInput[], error: unknown): void {
    const commandError =
      error instanceof OrchestratorError
        ? error.toCommandError()
        : { code: 'orchestrator.unavailable', message: `the event store did not take the decision (${String(error)}); nothing was applied — retry shortly`, details: { rolloutId: this.rolloutId } };
    for (const item of batch) item.settle?.({ ok: false, error: commandError });
  }

  /** Reloads and reconciles after a failure, backing off while the store stays unavailable. */
  private scheduleResync(): void {
    if (this.stopped || this.resyncTimer !== null) return;
    const delay = RESYNC_BACKOFF_MS[Math.min(this.resyncAttempt, RESYNC_BACKOFF_MS.length - 1)] ?? 10_000;
    this.resyncAttempt += 1;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = null;
      if (this.stopped) return;
      this.resync().then(
        () => {
          this.resyncAttempt = 0;
        },
        (error: unknown) => {
          this.deps.logger.warn({ rolloutId: this.rolloutId, err: String(error) }, 'rollout resync failed; retrying');
          this.scheduleResync();
        },
      );
    }, delay);
  }
}

function notLeader(): CommandError {
  return { code: 'orchestrator.not_leader', message: 'this orchestrator stopped leading; retry the command, the new leader answers', details: {} };
}
