import type { FleetEvent } from '@roost/contracts';
import { matchesTarget, type FleetAgent, type Target } from '@roost/fleet';
import type { Logger } from '@roost/ports';
import { rolloutAgent, rolloutAgents, summarize, type Notify, type OperatorAction, type RolloutInput, type RolloutState, type StartRollout } from '@roost/rollout';
import type { ConfigStore } from '../configs/config-store';
import { observationsOf, previousConfigHash, reconcileObservations, type ObservationContext } from '../fleet/fleet-observations';
import type { FleetView } from '../fleet/fleet-view';
import { webhookPayload } from '../notify/webhook-payload';
import type { WebhookNotifier } from '../notify/webhook-notifier';
import { OrchestratorError } from '../orchestrator-error';
import type { DesiredMirror } from './desired-mirror';
import type { DesiredWriter } from './desired-writer';
import { impliedDesired, staleDesired } from './implied-desired';
import { RolloutRunner, type InputOutcome, type QueuedInput, type RunnerDeps } from './rollout-runner';
import type { RolloutStore } from './rollout-store';

export interface RegistryDeps {
  readonly view: FleetView;
  readonly configs: ConfigStore;
  readonly store: RolloutStore;
  readonly mirror: DesiredMirror;
  readonly writeDesired: DesiredWriter;
  readonly notifier: WebhookNotifier;
  readonly now: () => number;
  readonly logger: Logger;
}

/** A start, resolved: everything of the StartRollout command except what is read at decision time. */
export type PreparedStart = Omit<StartRollout, 'type' | 'fleet' | 'previousConfigHashes' | 'lockedAgents' | 'now'>;

const TARGET_EVENTS = new Set<FleetEvent['type']>(['connected', 'description', 'capabilities']);

/**
 * The leader's rollouts: one runner per active rollout, fed with the fleet observations that
 * concern it; starts are serialized so overlap checks see every active rollout.
 */
export class RolloutRegistry {
  private readonly runners = new Map<string, RolloutRunner>();
  /** A rollout being started: it already receives observations for agents of its target. */
  private starting: { readonly runner: RolloutRunner; readonly target: Target } | null = null;
  private startChain: Promise<unknown> = Promise.resolve();
  private readonly runnerDeps: RunnerDeps;
  /** Between takeover and stopAll: runners may only be created while leading. */
  private leading = false;

  constructor(private readonly deps: RegistryDeps) {
    this.runnerDeps = {
      store: deps.store,
      writeDesired: deps.writeDesired,
      notify: (notification, state) => this.notify(notification, state),
      reconcileInput: (runner) => this.reconcileInput(runner),
      reconcileDesired: (state) => this.reconcileDesired(state),
      ended: (runner) => {
        if (this.runners.get(runner.rolloutId) === runner) this.runners.delete(runner.rolloutId);
        deps.logger.info({ rolloutId: runner.rolloutId, status: runner.state?.status }, 'rollout ended');
      },
      now: deps.now,
      logger: deps.logger,
    };
  }

  get activeRollouts(): string[] {
    return [...this.runners.keys()];
  }

  /**
   * Becomes the writer of rollout state: replays every rollout, rewrites any `agent-desired`
   * entry its events imply but a dead leader did not write, and brings each active rollout up
   * to date from the fleet view (which re-arms its timer).
   */
  async takeover(canAct: () => boolean): Promise<void> {
    const started = this.deps.now();
    this.leading = true;
    const { histories, ledger } = await this.deps.store.loadAll();
    if (!this.leading || !canAct()) return;
    for (const [rolloutId, history] of histories) {
      const runner = new RolloutRunner(rolloutId, history, this.runnerDeps);
      if (runner.active) this.runners.set(rolloutId, runner);
    }
    const stale = staleDesired(ledger, (agentId) => this.deps.mirror.get(agentId));
    for (const [rolloutId, assignments] of stale) {
      if (!this.leading) return;
      this.deps.logger.warn({ rolloutId, agents: assignments.length }, 'agent-desired behind the rollout history; writing what the events imply');
      await this.deps.writeDesired(rolloutId, assignments);
    }
    for (const runner of this.runners.values()) runner.submit(this.reconcileInput(runner));
    this.deps.logger.info({ rollouts: histories.size, active: this.runners.size, ms: this.deps.now() - started }, 'took over rollouts from the event store');
  }

  /** Leadership lost: stop every runner at once (queued commands are refused). */
  stopAll(): void {
    this.leading = false;
    for (const runner of this.runners.values()) runner.stop();
    this.runners.clear();
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
      runner.submit({ build: (now) => observationsOf(event, agent, this.context(agent.agentId, runner.rolloutId, now)) });
    }
  }

  /** Agents of a gateway that vanished (or came back): tell each rollout what it now means. */
  gatewayChanged(gatewayId: string): void {
    const byRunner = new Map<RolloutRunner, string[]>();
    for (const agentId of this.deps.view.agentsOf(gatewayId)) {
      const agent = this.deps.view.agent(agentId);
      if (agent === undefined || this.deps.view.snapshot(agentId)?.connected !== true) continue;
      for (const runner of this.concerned(agent, true)) byRunner.set(runner, [...(byRunner.get(runner) ?? []), agentId]);
    }
    for (const [runner, agentIds] of byRunner) {
      runner.submit({ build: (now) => agentIds.flatMap((agentId) => this.reconcileAgent(agentId, runner.rolloutId, now)) });
    }
  }

  /** Runs a start: decided against the fleet and the active rollouts as they are at that moment. */
  start(prepared: PreparedStart): Promise<InputOutcome> {
    const run = this.startChain.then(() => this.startNow(prepared));
    this.startChain = run.catch(() => undefined);
    return run;
  }

  async act(type: OperatorAction['type'], rolloutId: string, reason: string | undefined): Promise<InputOutcome> {
    const runner = await this.runnerFor(rolloutId);
    return runner.run((now): RolloutInput[] => [{ type, rolloutId, now, ...(reason === undefined ? {} : { reason }) }]);
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
    for (const [rolloutId, runner] of this.runners) {
      if (rolloutId === except || runner.state === null) continue;
      const record = rolloutAgent(runner.state, agentId);
      if (record?.membership === 'member' && record.exclusion === null) return rolloutId;
    }
    return null;
  }

  private async startNow(prepared: PreparedStart): Promise<InputOutcome> {
    const history = this.runners.has(prepared.rolloutId) ? null : await this.deps.store.load(prepared.rolloutId);
    const runner = history === null ? this.runners.get(prepared.rolloutId) : new RolloutRunner(prepared.rolloutId, history, this.runnerDeps);
    if (runner === undefined) throw notFound(prepared.rolloutId);
    this.starting = { runner, target: prepared.target };
    try {
      const outcome = await runner.run((now) => [this.startCommand(prepared, now)]);
      if (outcome.ok && runner.active && this.leading) this.runners.set(prepared.rolloutId, runner);
      return outcome;
    } finally {
      this.starting = null;
    }
  }

  private startCommand(prepared: PreparedStart, now: number): StartRollout {
    const fleet = this.deps.view.all();
    const previousConfigHashes: Record<string, string> = {};
    const lockedAgents: Record<string, string> = {};
    for (const agent of fleet) {
      const previous = previousConfigHash(this.deps.view.snapshot(agent.agentId), (hash) => this.deps.configs.has(hash));
      if (previous !== null) previousConfigHashes[agent.agentId] = previous;
      const holder = this.lockedBy(agent.agentId, prepared.rolloutId);
      if (holder !== null) lockedAgents[agent.agentId] = holder;
    }
    return { ...prepared, type: 'StartRollout', fleet, previousConfigHashes, lockedAgents, now };
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

  private concerned(agent: FleetAgent, targetEvent: boolean): RolloutRunner[] {
    const found: RolloutRunner[] = [];
    for (const runner of this.runners.values()) {
      const state = runner.state;
      if (state === null) continue;
      if (rolloutAgent(state, agent.agentId) !== undefined || (targetEvent && matchesTarget(state.settings.target, agent))) found.push(runner);
    }
    if (this.starting !== null && matchesTarget(this.starting.target, agent)) found.push(this.starting.runner);
    return found;
  }

  private context(agentId: string, rolloutId: string, now: number): ObservationContext {
    return {
      previousConfigHash: previousConfigHash(this.deps.view.snapshot(agentId), (hash) => this.deps.configs.has(hash)),
      lockedBy: this.lockedBy(agentId, rolloutId),
      now,
    };
  }

  private reconcileAgent(agentId: string, rolloutId: string, now: number): RolloutInput[] {
    return reconcileObservations(agentId, this.deps.view.agent(agentId), this.deps.view.snapshot(agentId), this.context(agentId, rolloutId, now));
  }

  private reconcileInput(runner: RolloutRunner): QueuedInput {
    return {
      build: (now, state) => {
        if (state === null) return [];
        const agentIds = new Set(rolloutAgents(state).map((agent) => agent.agentId));
        for (const agent of this.deps.view.all()) if (matchesTarget(state.settings.target, agent)) agentIds.add(agent.agentId);
        return [...[...agentIds].flatMap((agentId) => this.reconcileAgent(agentId, runner.rolloutId, now)), { type: 'Tick', now }];
      },
    };
  }

  private async reconcileDesired(state: RolloutState): Promise<void> {
    const rolloutId = state.settings.rolloutId;
    const stale = impliedDesired(state).filter(
      ({ agentId, configHash }) => this.deps.mirror.get(agentId)?.configHash !== configHash && this.lockedBy(agentId, rolloutId) === null,
    );
    if (stale.length === 0) return;
    this.deps.logger.warn({ rolloutId, agents: stale.length }, 'agent-desired behind the rollout history; writing what the events imply');
    await this.deps.writeDesired(rolloutId, stale);
  }

  private notify(notification: Notify, state: RolloutState): void {
    this.deps.logger.info({ rolloutId: notification.rolloutId, kind: notification.kind }, notification.message);
    this.deps.notifier.notify(webhookPayload(notification, this.deps.now(), summarize(state)));
  }
}

function notFound(rolloutId: string): OrchestratorError {
  return new OrchestratorError('rollout.not_found', `no rollout ${rolloutId}; list rollouts through the admin API to find its id`, { rolloutId });
}
