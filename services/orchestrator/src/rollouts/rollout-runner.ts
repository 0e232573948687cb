import type { CommandError } from '@roost/contracts';
import { ConcurrencyConflictError, type Logger } from '@roost/ports';
import { decideBatchSteps, isActive, lateReportsUntil, replay, summarize, type RolloutError, type RolloutEvent, type RolloutInput, type RolloutState } from '@roost/rollout';
import { runInSlices } from '../event-loop-slices';
import { webhookPayload } from '../notify/webhook-payload';
import type { WebhookNotifier } from '../notify/webhook-notifier';
import type { OrchestratorMetrics } from '../orchestrator-metrics';
import { OrchestratorError } from '../orchestrator-error';
import { foldEffects, type BatchEffects } from './batch-effects';
import { rolloutMetricSamples } from './rollout-metric-samples';
import { AssignmentRelease } from './assignment-release';
import type { DesiredWriter } from './desired-writer';
import type { RolloutFacts } from './rollout-facts';
import { retryDelayMs } from './retry-delay';
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
  /** Read-only: the fleet view, `agent-desired` and the locks, for bringing a rollout up to date. */
  readonly facts: RolloutFacts;
  readonly notifier: WebhookNotifier;
  readonly metrics: OrchestratorMetrics;
  readonly now: () => number;
  readonly logger: Logger;
}

/** Inputs decided together and stored with one pipelined append. */
const MAX_BATCH = 5_000;
const MIN_BATCH = 50;
/**
 * How long one batch's decisions may hold the event loop. A decision's cost grows with the
 * rollout's size; on a 100k-agent rollout 5,000 of them held it for seconds, long enough for the
 * orchestrator's lease to lapse. The batch size follows the last batch's cost per input.
 */
const DECIDE_BUDGET_MS = 100;
const CONFLICT_ATTEMPTS = 3;
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
  /** The reason decisions are held (fleet view behind), while they are. */
  private heldFor: string | null = null;
  private waitingFor: string | null = null;
  state: RolloutState | null;
  /** While a batch is stored: the state it started from, its events, and how many of them are stored (see checkedState). */
  private storing: { readonly from: RolloutState | null; readonly events: readonly RolloutEvent[]; stored: number } | null = null;
  private lastSequence: number;
  /** Inputs the next batch may take (see DECIDE_BUDGET_MS). */
  private batchLimit = MAX_BATCH;

  constructor(
    readonly rolloutId: string,
    history: RolloutHistory,
    private readonly deps: RunnerDeps,
  ) {
    this.state = history.state;
    this.lastSequence = history.lastSequence;
    this.watchUntil = this.state === null ? null : lateReportsUntil(this.state);
  }

  /**
   * What the invariant checker judges `agent-desired` against: while a batch is being stored,
   * the state its events stored so far lead to (its desired writes are released as their events
   * are stored, and a long append under load outlasted two checks), else the state.
   */
  get checkedState(): RolloutState | null {
    const batch = this.storing;
    if (batch === null) return this.state;
    return batch.stored === 0 ? batch.from : replay(batch.events.slice(0, batch.stored), batch.from);
  }

  get active(): boolean {
    return this.state !== null && isActive(this.state.status);
  }

  /**
   * Until when an ended rollout still records its agents' late reports (a late FAILED, a
   * revert's outcome); null while active or before it started.
   */
  watchUntil: number | null = null;

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

  /**
   * Queues the inputs that bring the rollout up to date with the fleet view: each agent's
   * observations as an item of its own (so batches stay sized; one item for every agent of a
   * 100,000-agent rollout was one batch of seconds), then a Tick.
   */
  reconcile(): void {
    if (this.state === null) return;
    for (const agentId of this.deps.facts.reconcileAgentIds(this.state)) {
      this.submit({ build: (now, state) => (state === null ? [] : this.deps.facts.reconcileAgents([agentId], this.rolloutId, now)) });
    }
    this.submit({ build: (now) => [{ type: 'Tick', now }] });
  }

  /** Reloads the history and reconciles desired configs and the fleet view against it. */
  async resync(): Promise<void> {
    const history = await this.deps.store.load(this.rolloutId);
    this.state = history.state;
    this.lastSequence = history.lastSequence;
    if (this.state === null) return;
    const drift = this.deps.facts.desiredDrift(this.state);
    if (drift.length > 0) {
      this.deps.logger.warn({ rolloutId: this.rolloutId, agents: drift.length }, 'agent-desired behind the rollout history; writing what the events imply');
      const failed = await this.deps.writeDesired(this.rolloutId, drift);
      // Until every entry is written the agents behind wait for a config their rollout counts on.
      if (failed.length > 0) throw new Error(`agent-desired of ${failed.length} of ${drift.length} agents not written`);
    }
    if (this.active) this.reconcile();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const batch = this.queue.splice(0, this.batchLimit);
      try {
        await this.process(batch);
      } catch (error) {
        this.deps.logger.error({ rolloutId: this.rolloutId, err: String(error) }, 'rollout batch failed');
        this.refuse(batch, error);
        this.scheduleResync();
      }
      // A batch that stores nothing (reports after the end, a reconcile of every agent) awaits
      // nothing: without this, batch after batch held the event loop for seconds (40k agents).
      if (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async process(batch: readonly QueuedInput[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const decided = await this.decideBatch(batch);
      this.fitBatchLimit(batch.length, decided.busyMs);
      const effects = foldEffects(decided.effects);
      const release = new AssignmentRelease(this.rolloutId, decided.events, effects.assignments, this.deps.writeDesired);
      if (decided.events.length > 0) {
        try {
          const storing = { from: this.state, events: decided.events, stored: 0 };
          this.storing = storing;
          this.lastSequence = await this.deps.store.append(this.rolloutId, decided.events, this.lastSequence, (count) => {
            storing.stored = count;
            release.stored(count);
          });
        } catch (error) {
          this.storing = null;
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
      this.storing = null;
      const wasActive = this.active;
      this.deps.metrics.record(rolloutMetricSamples(decided.events, this.state?.phaseStartedAt ?? null));
      this.state = decided.state;
      // Read from every agent of the rollout: only when its events moved it on (reports after the end mostly do not).
      if (decided.events.length > 0 || wasActive) this.watchUntil = this.state === null || this.active ? null : lateReportsUntil(this.state);
      this.noteHeld(decided.held);
      this.noteWaiting(decided.waiting);
      release.stored(decided.events.length);
      batch.forEach((item, index) => item.settle?.(decided.outcomes[index] as InputOutcome));
      if ((await release.settled()).length > 0) this.scheduleResync();
      this.carryOut(effects);
      if (!this.active && this.state !== null && this.timer !== null) this.clearTimer();
      if (wasActive && !this.active) {
        this.deps.logger.info({ rolloutId: this.rolloutId, status: this.state?.status }, 'rollout ended');
        // What agents report now may already settle their outcome (a revert to the config they run).
        this.reconcile();
      }
      return;
    }
  }

  /** Sizes the next batch so its decisions take about DECIDE_BUDGET_MS at this batch's pace. */
  private fitBatchLimit(inputs: number, elapsedMs: number): void {
    const perInputMs = elapsedMs / Math.max(1, inputs);
    const fits = perInputMs > 0 ? Math.floor(DECIDE_BUDGET_MS / perInputMs) : MAX_BATCH;
    this.batchLimit = Math.min(MAX_BATCH, Math.max(MIN_BATCH, fits));
  }

  /**
   * Decides a batch against the state as it stands, giving the event loop a turn between slices
   * of a long decision (a start over every agent of the fleet); nothing is stored meanwhile.
   */
  private async decideBatch(batch: readonly QueuedInput[]) {
    const now = this.deps.now();
    const { telemetry, collectorErrors } = this.deps.facts;
    const facts = { fleetCaughtUp: this.deps.facts.fleetCaughtUp(), ...(telemetry === undefined ? {} : { telemetry }), ...(collectorErrors === undefined ? {} : { collectorErrors }) };
    const steps = decideBatchSteps(this.state, batch.map((item) => (state: RolloutState | null) => item.build(now, state)), facts);
    const { value: decided, busyMs } = await runInSlices(steps, () => {
      if (this.stopped) throw new OrchestratorError('orchestrator.not_leader', notLeader().message);
    });
    // Outcomes report the state after the whole batch: that is what is stored together.
    const outcomes = decided.refusals.map((error): InputOutcome => {
      if (error !== null) return { ok: false, error: commandErrorOf(error) };
      return decided.state === null ? { ok: false, error: { code: 'rollout.not_found', message: `no rollout ${this.rolloutId}`, details: { rolloutId: this.rolloutId } } } : { ok: true, state: decided.state };
    });
    return { ...decided, outcomes, busyMs };
  }

  /** Says so, once, when decisions start and stop being held (and counts each held batch). */
  private noteHeld(held: string | null): void {
    if (held !== null) this.deps.metrics.decisionsHeld.inc({ reason: 'fleet_view_behind' });
    if (held !== null && this.heldFor === null) this.deps.logger.warn({ rolloutId: this.rolloutId, reason: held }, 'rollout decisions held');
    if (held === null && this.heldFor !== null) this.deps.logger.info({ rolloutId: this.rolloutId }, 'rollout decisions resumed: the fleet view has caught up');
    this.heldFor = held;
  }

  /** Says so when a phase starts waiting for data-plane figures, and whenever the reason changes. */
  private noteWaiting(waiting: string | null): void {
    if (waiting !== null && waiting !== this.waitingFor) this.deps.logger.info({ rolloutId: this.rolloutId, reason: waiting }, 'phase waiting for data-plane figures');
    this.waitingFor = waiting;
  }

  /** Timers and notifications, once the decision is stored and its desired configs written. */
  private carryOut(folded: BatchEffects): void {
    if (folded.timer === 'disarm') this.clearTimer();
    else if (folded.timer !== undefined) this.arm(folded.timer.at);
    const state = this.state;
    if (state === null) return;
    for (const notification of folded.notifications) {
      this.deps.logger.info({ rolloutId: notification.rolloutId, kind: notification.kind }, notification.message);
      this.deps.notifier.notify(webhookPayload(notification, this.deps.now(), summarize(state)));
    }
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

  /** Reloads and reconciles after a failure, backing off while the store or KV stays unavailable. */
  private scheduleResync(): void {
    if (this.stopped || this.resyncTimer !== null) return;
    const delay = retryDelayMs(this.resyncAttempt);
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

function commandErrorOf(error: RolloutError): CommandError {
  return { code: error.code, message: error.message, details: { ...error.details } };
}

function notLeader(): CommandError {
  return { code: 'orchestrator.not_leader', message: 'this orchestrator stopped leading; retry the command, the new leader answers', details: {} };
}
