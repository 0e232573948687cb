import { hasCapability } from '@roost/fleet';
import { assertNever } from '../assert-never';
import { decide } from '../decide';
import type { DesiredEntry, ReportedConfig } from '../agent-truth';
import type { RolloutEffect } from '../effects';
import type { TruthSnapshot } from '../invariants';
import type { RolloutError } from '../errors';
import type { RolloutEvent, RolloutEventType } from '../rollout-events';
import { replay } from '../evolve';
import type { OperatorAction, RolloutInput, StartRollout } from '../inputs';
import { isActive, type RolloutState, type RolloutStatus } from '../state';
import { summarize } from '../summary';
import { EventQueue } from './event-queue';
import { fleetAgentOf, previousOf, reactionsTo, type AgentBehaviour, type Report, type SimAgentSpec } from './sim-agent';

/** The rollout to simulate: a StartRollout without the parts the simulator supplies. */
export type SimulatedRollout = Omit<StartRollout, 'type' | 'fleet' | 'previousConfigHashes' | 'lockedAgents' | 'now'>;

export interface ScheduledAction {
  readonly afterMs: number;
  readonly action: OperatorAction['type'];
  readonly reason?: string;
}

export interface SimulationSpec {
  readonly rollout: SimulatedRollout;
  readonly agents: readonly SimAgentSpec[];
  readonly startAt?: number;
  readonly operator?: readonly ScheduledAction[];
  readonly lockedAgents?: Readonly<Record<string, string>>;
  /** Stop simulating this long after the start (default 24 h). */
  readonly maxDurationMs?: number;
  /** Stop after this many simulated happenings (default 5 000 000), a guard against runaway loops. */
  readonly maxSteps?: number;
  /** Called after the start and after every simulated happening with the truth as it stands (tests run the invariant checker here). */
  readonly afterEachStep?: (truth: TruthSnapshot, at: number) => void;
}

/** A rollout-level moment: phase changes, pauses, the end. */
export interface TimelineEntry {
  readonly at: number;
  readonly event: RolloutEventType;
  readonly phase: string | null;
  readonly status: RolloutStatus;
  readonly targeted: number;
  readonly applied: number;
  readonly failed: number;
}

export interface SimulationResult {
  /** Null when the start was accepted; the refusal otherwise. */
  readonly refused: RolloutError | null;
  readonly events: readonly RolloutEvent[];
  readonly effects: readonly { readonly at: number; readonly effect: RolloutEffect }[];
  readonly timeline: readonly TimelineEntry[];
  /** Operator actions the engine refused, with the reason. */
  readonly refusals: readonly { readonly at: number; readonly action: string; readonly error: RolloutError }[];
  readonly state: RolloutState | null;
  /** What the simulated `agent-desired` bucket holds at the end. */
  readonly desired: Readonly<Record<string, string | null>>;
  /** What each agent runs at the end (null: no remote config). */
  readonly running: Readonly<Record<string, string | null>>;
  /** True when the simulation stopped at `maxSteps` with work still queued. */
  readonly truncated: boolean;
}

const TIMELINE_EVENTS: ReadonlySet<RolloutEventType> = new Set<RolloutEventType>([
  'RolloutStarted', 'PhaseStarted', 'PhaseAwaitingApproval', 'PhasePassed', 'PhaseFailed', 'RolloutPaused', 'RolloutResumed',
  'RolloutPromoted', 'RolloutCompleted', 'RolloutRolledBack', 'RolloutAborted', 'RolloutFailed',
]);

type Item =
  | { readonly kind: 'tick'; readonly token: number }
  | { readonly kind: 'operator'; readonly action: ScheduledAction }
  | { readonly kind: 'join'; readonly agentId: string }
  | { readonly kind: 'reconnect'; readonly agentId: string }
  | { readonly kind: 'disconnect'; readonly agentId: string; readonly generation: number }
  | { readonly kind: 'report'; readonly agentId: string; readonly generation: number; readonly report: Report };

interface SimAgent {
  readonly spec: SimAgentSpec;
  connected: boolean;
  running: string | null;
  /** Bumped on every delivery, so reactions to a config that was replaced are dropped. */
  generation: number;
  /** A `disconnects` behaviour plays once; after it the agent treats the config like a healthy one. */
  dropped: boolean;
}

/**
 * A pure, deterministic fleet simulator: the engine driven by simulated agents, timers and
 * operator actions on a virtual clock. It plays the orchestrator (interpreting effects) and the
 * gateway (delivering desired configs, also on reconnect). Used by tests, benchmarks and dry-runs.
 */
export function simulateRollout(spec: SimulationSpec): SimulationResult {
  return new Simulation(spec).run();
}

class Simulation {
  private readonly queue = new EventQueue<Item>();
  private readonly agents = new Map<string, SimAgent>();
  private readonly desired = new Map<string, string | null>();
  private readonly desiredSetAt = new Map<string, number>();
  private readonly reported = new Map<string, ReportedConfig>();
  private readonly events: RolloutEvent[] = [];
  private readonly effects: { at: number; effect: RolloutEffect }[] = [];
  private readonly timeline: TimelineEntry[] = [];
  private readonly refusals: { at: number; action: string; error: RolloutError }[] = [];
  private state: RolloutState | null = null;
  private timerToken = 0;
  private truncated = false;
  private now: number;

  constructor(private readonly spec: SimulationSpec) {
    this.now = spec.startAt ?? 0;
    for (const agent of spec.agents) {
      const present = agent.joinAfterMs === undefined;
      this.agents.set(agent.agentId, { spec: agent, connected: present && agent.disconnected !== true, running: previousOf(agent), generation: 0, dropped: false });
      if (agent.joinAfterMs !== undefined) this.queue.push(this.now + agent.joinAfterMs, { kind: 'join', agentId: agent.agentId });
    }
    for (const action of spec.operator ?? []) this.queue.push(this.now + action.afterMs, { kind: 'operator', action });
  }

  run(): SimulationResult {
    const startAt = this.now;
    const present = this.spec.agents.filter((agent) => agent.joinAfterMs === undefined);
    const previousConfigHashes: Record<string, string> = {};
    for (const agent of present) {
      const previous = previousOf(agent);
      if (previous !== null) previousConfigHashes[agent.agentId] = previous;
    }
    const start: StartRollout = {
      ...this.spec.rollout,
      type: 'StartRollout',
      fleet: present.map((agent) => fleetAgentOf(agent, this.agent(agent.agentId).connected)),
      previousConfigHashes,
      lockedAgents: this.spec.lockedAgents ?? {},
      now: startAt,
    };
    const first = decide(null, start);
    if (!first.ok) return this.result(first.error);
    this.accept(first.events, first.effects, first.state);
    this.afterStep();
    const until = startAt + (this.spec.maxDurationMs ?? 24 * 3_600_000);
    let steps = this.spec.maxSteps ?? 5_000_000;
    for (let next = this.queue.pop(); next !== undefined && next.at <= until; next = this.queue.pop()) {
      if (steps-- <= 0) {
        this.truncated = true;
        break;
      }
      this.now = next.at;
      this.process(next.item);
      this.afterStep();
    }
    return this.result(null);
  }

  private afterStep(): void {
    const check = this.spec.afterEachStep;
    if (check === undefined) return;
    const rolloutId = this.spec.rollout.rolloutId;
    const desired = new Map<string, DesiredEntry>();
    for (const [agentId, configHash] of this.desired) desired.set(agentId, { configHash, rolloutId, setAt: this.desiredSetAt.get(agentId) ?? 0 });
    const rollouts = new Map<string, RolloutState>(this.state === null ? [] : [[rolloutId, this.state]]);
    check({ rollouts, desired, reported: (agentId) => this.reported.get(agentId) ?? null }, this.now);
  }

  private process(item: Item): void {
    switch (item.kind) {
      case 'tick':
        if (item.token === this.timerToken) this.feed({ type: 'Tick', now: this.now });
        return;
      case 'operator':
        return this.feed({ type: item.action.action, rolloutId: this.spec.rollout.rolloutId, now: this.now, ...(item.action.reason === undefined ? {} : { reason: item.action.reason }) });
      case 'join':
      case 'reconnect':
        return this.connect(this.agent(item.agentId));
      case 'disconnect': {
        const agent = this.agent(item.agentId);
        if (item.generation !== agent.generation || !agent.connected) return;
        agent.connected = false;
        return this.feed({ type: 'AgentDisconnected', agentId: agent.spec.agentId, now: this.now });
      }
      case 'report': {
        const agent = this.agent(item.agentId);
        if (item.generation === agent.generation && agent.connected) this.report(agent, item.report);
        return;
      }
      default:
        return assertNever(item);
    }
  }

  private agent(agentId: string): SimAgent {
    const agent = this.agents.get(agentId);
    if (agent === undefined) throw new Error(`no simulated agent ${agentId}`);
    return agent;
  }

  private connect(agent: SimAgent): void {
    agent.connected = true;
    this.feed({ type: 'AgentConnected', agent: fleetAgentOf(agent.spec, true), previousConfigHash: previousOf(agent.spec), lockedBy: this.spec.lockedAgents?.[agent.spec.agentId] ?? null, now: this.now });
    // The gateway reconciles on every (re)connect: a desired config the agent does not run is sent.
    const desired = this.desired.get(agent.spec.agentId);
    if (agent.connected && desired !== undefined && desired !== null && desired !== agent.running) this.deliver(agent, desired);
  }

  private feed(input: RolloutInput): void {
    const decision = decide(this.state, input);
    if (!decision.ok) {
      this.refusals.push({ at: this.now, action: input.type, error: decision.error });
      return;
    }
    this.accept(decision.events, decision.effects, decision.state);
  }

  private accept(events: readonly RolloutEvent[], effects: readonly RolloutEffect[], state: RolloutState | null): void {
    this.recordTimeline(events);
    this.state = state;
    this.events.push(...events);
    for (const effect of effects) {
      this.effects.push({ at: this.now, effect });
      this.carryOut(effect);
    }
  }

  /** Timeline entries carry the counts as they were right after their event. */
  private recordTimeline(events: readonly RolloutEvent[]): void {
    let state = this.state;
    let chunk: RolloutEvent[] = [];
    for (const event of events) {
      chunk.push(event);
      if (!TIMELINE_EVENTS.has(event.type)) continue;
      state = replay(chunk, state);
      chunk = [];
      if (state === null) continue;
      const summary = summarize(state);
      const phase = 'phase' in event && typeof event.phase === 'number' ? (state.settings.plan[event.phase]?.name ?? null) : (summary.phase?.name ?? null);
      this.timeline.push({ at: event.at, event: event.type, phase, status: summary.status, targeted: summary.targeted, applied: summary.applied, failed: summary.failed });
    }
  }

  private carryOut(effect: RolloutEffect): void {
    switch (effect.type) {
      case 'SetDesiredConfig':
        for (const { agentId, configHash } of effect.assignments) {
          this.desired.set(agentId, configHash);
          this.desiredSetAt.set(agentId, this.now);
          const agent = this.agents.get(agentId);
          if (agent?.connected === true && configHash !== null) this.deliver(agent, configHash);
        }
        return;
      case 'ArmTimer':
        this.timerToken += 1;
        this.queue.push(Math.max(effect.at, this.now), { kind: 'tick', token: this.timerToken });
        return;
      case 'DisarmTimer':
        this.timerToken += 1;
        return;
      case 'Notify':
        return;
      default:
        return assertNever(effect);
    }
  }

  /** The agent receives `configHash` now and reacts as its behaviour says. */
  private deliver(agent: SimAgent, configHash: string): void {
    agent.generation += 1;
    const planned: AgentBehaviour = configHash === this.spec.rollout.configHash ? (agent.spec.behaviour ?? { kind: 'healthy' }) : { kind: 'healthy' };
    const behaviour: AgentBehaviour = planned.kind === 'disconnects' && agent.dropped ? { kind: 'healthy' } : planned;
    if (behaviour.kind === 'disconnects') agent.dropped = true;
    const { agentId } = agent.spec;
    for (const reaction of reactionsTo(behaviour, configHash, agent.running, agent.spec.applyDelayMs ?? 1000)) {
      const at = this.now + reaction.afterMs;
      if (reaction.kind === 'report') this.queue.push(at, { kind: 'report', agentId, generation: agent.generation, report: reaction.report });
      else if (reaction.kind === 'disconnect') this.queue.push(at, { kind: 'disconnect', agentId, generation: agent.generation });
      else this.queue.push(at, { kind: 'reconnect', agentId });
    }
  }

  private report(agent: SimAgent, report: Report): void {
    const agentId = agent.spec.agentId;
    const capabilities = agent.spec.capabilities ?? fleetAgentOf(agent.spec, true).capabilities;
    if (report.runs !== undefined) agent.running = report.runs;
    if (report.status !== undefined && hasCapability(capabilities, 'ReportsRemoteConfig')) {
      const { hash, status, error } = report.status;
      this.reported.set(agentId, { hash, status, at: this.now });
      this.feed({ type: 'RemoteConfigStatusReported', agentId, hash, status, errorMessage: error ?? '', now: this.now });
    }
    if (report.runs !== undefined && hasCapability(capabilities, 'ReportsEffectiveConfig')) {
      this.feed({ type: 'EffectiveConfigReported', agentId, hash: report.runs, now: this.now });
    }
    if (report.healthy !== undefined && hasCapability(capabilities, 'ReportsHealth')) {
      this.feed({ type: 'HealthReported', agentId, healthy: report.healthy.healthy, lastError: report.healthy.lastError, observedAt: this.now, now: this.now });
    }
  }

  private result(refused: RolloutError | null): SimulationResult {
    const running: Record<string, string | null> = {};
    for (const [agentId, agent] of this.agents) running[agentId] = agent.running;
    return {
      refused,
      events: this.events,
      effects: this.effects,
      timeline: this.timeline,
      refusals: this.refusals,
      state: this.state,
      desired: Object.fromEntries(this.desired),
      running,
      truncated: this.truncated,
    };
  }
}

/** True when the simulated rollout is still running at the end of the simulation. */
export function stillActive(result: SimulationResult): boolean {
  return result.state !== null && isActive(result.state.status);
}
