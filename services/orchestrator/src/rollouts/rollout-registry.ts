import type { FleetEvent } from '@roost/contracts';
import { matchesTarget, type FleetAgent, type Target } from '@roost/fleet';
import type { Logger } from '@roost/ports';
import { decide, forecastRollout, rolloutAgent, staleDesired, type DesiredLedger, type OperatorAction, type RolloutInput, type RolloutState, type RolloutStatus, type StartRollout, type TelemetryFiguresOf, type CollectorErrorsOf } from '@roost/rollout';
import type { ConfigStore } from '../configs/config-store';
import type { FleetView } from '../fleet/fleet-view';
import type { WebhookNotifier } from '../notify/webhook-notifier';
import type { OrchestratorMetrics } from '../orchestrator-metrics';
import { OrchestratorError } from '../orchestrator-error';
import type { DesiredMirror } from './desired-mirror';
import type { DesiredWriter } from './desired-writer';
import { RolloutFacts, type PreparedStart } from './rollout-facts';
import { retryDelayMs } from './retry-delay';
import { RolloutRunner, type InputOutcome, type RunnerDeps } from './rollout-runner';
import type { RolloutStore } from './rollout-store';
import { UnreadableHistoryError } from './unreadable-history';

export type { PreparedStart } from './rollout-facts';

export interface RegistryDeps {
  readonly view: FleetView;
  readonly configs: ConfigStore;
  readonly store: RolloutStore;
  readonly mirror: DesiredMirror;
  readonly writeDesired: DesiredWriter;
  readonly notifier: WebhookNotifier;
  readonly metrics: OrchestratorMetrics;
  /** Whether the fleet view is caught up with FLEET_EVENTS (default: always). */
  readonly fleetCaughtUp?: () => boolean;
  /** Agents' own-metrics figures for data-plane gates (default: none reported). */
  readonly telemetry?: TelemetryFiguresOf;
  /** The error records of agents' own logs, which name apply and health failures (default: none reported). */
  readonly collectorErrors?: CollectorErrorsOf;
  readonly now: () => number;
  readonly logger: Logger;
}

const TARGET_EVENTS = new Set<FleetEvent['type']>(['connected', 'description', 'capabilities']);

/**
 * The leader's rollouts: routes each fleet event and command to the runners it concerns; one
 * runner per active rollout, kept after its end while it still records late reports (see
 * lateReportsUntil). Starts are serialized so overlap checks see every active rollout. Holds
 * no rule: the rules are in @roost/rollout.
 */
export class RolloutRegistry {
  private readonly runners = new Map<string, RolloutRunner>();
  /**
   * The last state of each ended rollout no runner holds that an `agent-desired` entry still
   * names (the invariant checker needs it to justify the entry); dropped once none does, so a
   * long-lived leader does not keep every rollout it ever saw.
   */
  private readonly ended = new Map<string, RolloutState>();
  /** How many rollouts ended and were put away, by status (the `roost_rollouts` gauge). */
  private readonly endedCounts = new Map<RolloutStatus, number>();
  /** A rollout being started: it already receives observations for agents of its target. */
  private starting: { readonly runner: RolloutRunner; readonly target: Target } | null = null;
  private startChain: Promise<unknown> = Promise.resolve();
  private readonly runnerDeps: RunnerDeps;
  readonly facts: RolloutFacts;
  /** Between takeover and stopAll: runners may only be created while leading. */
  private leading = false;
  /** A retry of `agent-desired` entries the rollout histories imply but a write missed. */
  private repair: { timer: NodeJS.Timeout | null; attempt: number } = { timer: null, attempt: 0 };

  constructor(private readonly deps: RegistryDeps) {
    this.facts = new RolloutFacts(deps.view, deps.configs, deps.mirror, () => this.states(), deps.fleetCaughtUp, deps.telemetry, deps.collectorErrors);
    this.runnerDeps = { store: deps.store, writeDesired: deps.writeDesired, facts: this.facts, notifier: deps.notifier, metrics: deps.metrics, now: deps.now, logger: deps.logger };
  }

  /** Ids of the active rollouts (ended ones still recording late reports are not active). */
  get activeRollouts(): string[] {
    return this.live()
      .filter((runner) => runner.active)
      .map((runner) => runner.rolloutId);
  }

  /**
   * Becomes the writer of rollout state: replays every rollout, rewrites any `agent-desired`
   * entry its events imply but a dead leader did not write, and brings each active rollout up
   * to date from the fleet view (which re-arms its timer). Throws UnreadableHistoryError, and
   * takes nothing over, when the history holds events of a newer Roost.
   */
  async takeover(canAct: () => boolean): Promise<void> {
    const started = this.deps.now();
    this.leading = true;
    const { histories, ledger, unreadable } = await this.deps.store.loadAll();
    if (unreadable.length > 0) {
      this.leading = false;
      throw new UnreadableHistoryError(unreadable);
    }
    if (!this.leading || !canAct()) return;
    const now = this.deps.now();
    for (const [rolloutId, history] of histories) {
      const runner = new RolloutRunner(rolloutId, history, this.runnerDeps);
      if (runner.active || (runner.watchUntil !== null && now < runner.watchUntil)) this.runners.set(rolloutId, runner);
      else if (history.state !== null) this.putAway(rolloutId, history.state);
    }
    if (!(await this.writeImpliedDesired(ledger))) this.repairLater();
    for (const runner of this.runners.values()) runner.reconcile();
    const active = [...this.runners.values()].filter((runner) => runner.active).length;
    this.deps.logger.info({ rollouts: histories.size, active, watching: this.runners.size - active, ms: this.deps.now() - started }, 'took over rollouts from the event store');
  }

  /** Writes what the rollout histories imply where `agent-desired` says otherwise; false when a write failed. */
  private async writeImpliedDesired(ledger: DesiredLedger): Promise<boolean> {
    let complete = true;
    for (const [rolloutId, assignments] of staleDesired(ledger, (agentId) => this.deps.mirror.get(agentId))) {
      if (!this.leading) return true;
      this.deps.logger.warn({ rolloutId, agents: assignments.length }, 'agent-desired behind the rollout history; writing what the events imply');
      if ((await this.deps.writeDesired(rolloutId, assignments)).length > 0) complete = false;
    }
    return complete;
  }

  /** Tries the writes again, on histories read afresh (rollouts move on meanwhile), until all land. */
  private repairLater(): void {
    if (!this.leading || this.repair.timer !== null) return;
    const delay = retryDelayMs(this.repair.attempt++);
    this.repair.timer = setTimeout(() => {
      this.repair.timer = null;
      if (!this.leading) return;
      void this.deps.store
        .loadAll()
        .then(({ ledger }) => this.writeImpliedDesired(ledger))
        .catch((error: unknown) => {
          this.deps.logger.warn({ err: String(error) }, 'could not read the rollout histories to repair agent-desired; retrying');
          return false;
        })
        .then((complete) => {
          if (complete) this.repair.attempt = 0;
          else this.repairLater();
        });
    }, delay);
  }

  /** Leadership lost: stop every runner at once (queued commands are refused). */
  stopAll(): void {
    this.leading = false;
    if (this.repair.timer !== null) clearTimeout(this.repair.timer);
    this.repair = { timer: null, attempt: 0 };
    for (const runner of this.runners.values()) runner.stop();
    this.runners.clear();
    this.ended.clear();
    this.endedCounts.clear();
    this.starting?.runner.stop();
  }

  /** Resolves once no runner has queued work (tests, benchmarks, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.runners.values(), ...(this.starting ? [this.starting.runner] : [])].filter((runner) => runner.busy);
      if (busy.length === 0) return;
      await Promise.all(busy.map((runner) => runner.idle()));
    }
  }

  /** Routes one live fleet event to the rollouts it concerns. */
  observe(event: FleetEvent): void {
    const agent = this.deps.view.agent(event.agentId);
    if (agent === undefined) return;
    for (const runner of this.concerned(agent, TARGET_EVENTS.has(event.type))) {
      runner.submit({ build: (now) => this.facts.observations(event, runner.rolloutId, now) });
    }
  }

  /**
   * Agents of a gateway that vanished (or came back): tell each rollout what it now means, one
   * queued input per agent so the runners' batches stay sized (a gateway holds tens of thousands:
   * gathering them into one input per rollout copied the list at every agent, and decided them
   * all in one batch).
   */
  gatewayChanged(gatewayId: string): void {
    const runners = this.live();
    for (const agentId of this.deps.view.agentsOf(gatewayId)) {
      const agent = this.deps.view.agent(agentId);
      if (agent === undefined || this.deps.view.snapshot(agentId)?.connected !== true) continue;
      for (const runner of this.concerned(agent, true, runners)) runner.submit({ build: (now) => this.facts.reconcileAgents([agentId], runner.rolloutId, now) });
    }
  }

  /**
   * Runs a start: decided against the fleet and the active rollouts as they are at that moment.
   * `beforeAccept` (storing an inline config) runs only once the start is decided accepted.
   */
  start(prepared: PreparedStart, beforeAccept?: () => Promise<void>): Promise<InputOutcome> {
    return this.serialStart(() => this.startNow(prepared.rolloutId, prepared.target, (now) => this.facts.startCommand(prepared, now), beforeAccept));
  }

  /**
   * Starts `rolloutId`, an undo of the ended rollout `undoneId` (see undoStart in @roost/rollout):
   * a gated rollout like any start, decided against the fleet at that moment.
   */
  undo(undoneId: string, rolloutId: string, fast: boolean): Promise<InputOutcome> {
    return this.serialStart(async () => {
      const undone = await this.state(undoneId);
      const check = this.facts.undoCommand(undone, rolloutId, fast, this.deps.now());
      if (!check.ok) return { ok: false, error: { code: check.error.code, message: check.error.message, details: { ...check.error.details } } };
      // Whether an undo can be built depends on the undone rollout alone, which has ended: it holds at decision time too.
      return this.startNow(rolloutId, undone.settings.target, (now) => {
        const start = this.facts.undoCommand(undone, rolloutId, fast, now);
        return start.ok ? start.value : check.value;
      });
    });
  }

  /** Starts run one at a time, so each overlap check sees every active rollout. */
  private serialStart(start: () => Promise<InputOutcome>): Promise<InputOutcome> {
    const run = this.startChain.then(start);
    this.startChain = run.catch(() => undefined);
    return run;
  }

  /** What a start would do now, decided by the same functions against the same facts; nothing is stored. */
  forecast(prepared: PreparedStart): ReturnType<typeof forecastRollout> {
    return forecastRollout(this.facts.startCommand(prepared, this.deps.now()));
  }

  async act(type: OperatorAction['type'], rolloutId: string, reason: string | undefined, actor?: string): Promise<InputOutcome> {
    const runner = await this.runnerFor(rolloutId);
    return runner.run((now): RolloutInput[] => [{ type, rolloutId, now, ...(reason === undefined ? {} : { reason }), ...(actor === undefined ? {} : { actor }) }]);
  }

  async state(rolloutId: string): Promise<RolloutState> {
    const runner = this.runners.get(rolloutId);
    if (runner?.state) return runner.state;
    const { state } = await this.deps.store.load(rolloutId);
    if (state === null) throw notFound(rolloutId);
    return state;
  }

  /** The active rollout holding an agent (a member that has not left), other than `except`. */
  lockedBy(agentId: string, except: string | null = null): string | null {
    return this.facts.lockedBy(agentId, except);
  }

  private async startNow(rolloutId: string, target: Target, command: (now: number) => StartRollout, beforeAccept?: () => Promise<void>): Promise<InputOutcome> {
    const history = this.runners.has(rolloutId) ? null : await this.deps.store.load(rolloutId);
    const runner = history === null ? this.runners.get(rolloutId) : new RolloutRunner(rolloutId, history, this.runnerDeps);
    if (runner === undefined) throw notFound(rolloutId);
    if (beforeAccept !== undefined) {
      // Decided once without effects first; starts run one at a time, so it stands.
      const check = decide(runner.state, command(this.deps.now()));
      if (!check.ok) return { ok: false, error: { code: check.error.code, message: check.error.message, details: { ...check.error.details } } };
      await beforeAccept();
    }
    this.starting = { runner, target };
    try {
      const outcome = await runner.run((now) => [command(now)]);
      if (outcome.ok && runner.active && this.leading) this.runners.set(rolloutId, runner);
      return outcome;
    } finally {
      this.starting = null;
    }
  }

  private async runnerFor(rolloutId: string): Promise<RolloutRunner> {
    const running = this.runners.get(rolloutId);
    if (running !== undefined) return running;
    const history = await this.deps.store.load(rolloutId);
    if (history.state === null) throw notFound(rolloutId);
    const runner = new RolloutRunner(rolloutId, history, this.runnerDeps);
    if (runner.active && this.leading) this.runners.set(rolloutId, runner);
    return runner;
  }

  /**
   * The rollouts whose state this leader holds, by id: active, recording late reports, or ended
   * and still named by an `agent-desired` entry (others are dropped first); null while it does
   * not lead. The invariant checker reads it.
   */
  rolloutStates(): ReadonlyMap<string, RolloutState> | null {
    if (!this.leading) return null;
    this.forgetUnreferenced();
    const states = new Map(this.ended);
    const starting = this.starting?.runner;
    for (const runner of [...this.runners.values(), ...(starting === undefined ? [] : [starting])]) {
      const state = runner.checkedState;
      if (state !== null) states.set(runner.rolloutId, state);
    }
    return states;
  }

  /** How many rollouts this leader knows, by status; null while it does not lead. */
  rolloutCounts(): ReadonlyMap<RolloutStatus, number> | null {
    if (!this.leading) return null;
    const counts = new Map(this.endedCounts);
    for (const state of this.states()) counts.set(state.status, (counts.get(state.status) ?? 0) + 1);
    return counts;
  }

  private putAway(rolloutId: string, state: RolloutState): void {
    this.ended.set(rolloutId, state);
    this.endedCounts.set(state.status, (this.endedCounts.get(state.status) ?? 0) + 1);
  }

  /** Drops ended rollouts no `agent-desired` entry names any more. */
  private forgetUnreferenced(): void {
    if (this.ended.size === 0) return;
    const named = new Set<string>();
    for (const [, desired] of this.deps.mirror.all()) if (desired.rolloutId !== null) named.add(desired.rolloutId);
    for (const rolloutId of this.ended.keys()) if (!named.has(rolloutId)) this.ended.delete(rolloutId);
  }

  /** The runners still worth routing to; an ended one with no work and no late reports left to record is put away. */
  private live(): RolloutRunner[] {
    const now = this.deps.now();
    for (const [rolloutId, runner] of this.runners) {
      if (runner.active || runner.busy || (runner.watchUntil !== null && now < runner.watchUntil)) continue;
      this.runners.delete(rolloutId);
      if (runner.state !== null) this.putAway(rolloutId, runner.state);
    }
    return [...this.runners.values()];
  }

  private states(): RolloutState[] {
    const states: RolloutState[] = [];
    for (const runner of this.runners.values()) if (runner.state !== null) states.push(runner.state);
    return states;
  }

  private concerned(agent: FleetAgent, targetEvent: boolean, runners: readonly RolloutRunner[] = this.live()): RolloutRunner[] {
    const found: RolloutRunner[] = [];
    for (const runner of runners) {
      const state = runner.state;
      if (state === null) continue;
      if (rolloutAgent(state, agent.agentId) !== undefined || (targetEvent && matchesTarget(state.settings.target, agent))) found.push(runner);
    }
    if (this.starting !== null && matchesTarget(this.starting.target, agent)) found.push(this.starting.runner);
    return found;
  }
}

function notFound(rolloutId: string): OrchestratorError {
  return new OrchestratorError('rollout.not_found', `no rollout ${rolloutId}; list rollouts through the admin API to find its id`, { rolloutId });
}
