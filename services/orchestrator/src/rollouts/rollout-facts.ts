import type { FleetEvent } from '@roost/contracts';
import { matchesTarget } from '@roost/fleet';
import {
  desiredDrift,
  lockHolder,
  observationsOf,
  previousConfigHash,
  reconcileObservations,
  rolloutAgents,
  unknownConfigHash,
  undoStart,
  type DesiredConfigAssignment,
  type ObservationContext,
  type Result,
  type RolloutInput,
  type RolloutState,
  type StartRollout,
  type TelemetryFiguresOf,
  type CollectorErrorsOf,
} from '@roost/rollout';
import type { ConfigStore } from '../configs/config-store';
import type { FleetView } from '../fleet/fleet-view';
import type { DesiredMirror } from './desired-mirror';

/** A start, resolved: everything of the StartRollout command except what is read at decision time. */
export type PreparedStart = Omit<StartRollout, 'type' | 'fleet' | 'previousConfigHashes' | 'lockedAgents' | 'now'>;

/**
 * What the orchestrator knows that a rollout decision reads as data: the fleet view, the config
 * versions Roost holds, `agent-desired`, and the states of the rollouts it runs (for the
 * one-active-rollout-per-agent rule). Read-only; every rule applied here lives in @roost/rollout.
 */
export class RolloutFacts {
  constructor(
    private readonly view: FleetView,
    private readonly configs: ConfigStore,
    private readonly mirror: DesiredMirror,
    private readonly rollouts: () => Iterable<RolloutState>,
    /**
     * Whether the fleet view is known to be caught up with FLEET_EVENTS (issue 14, defect 1):
     * gates and deadlines are held while it is false. The source is the fleet feed's consumer.
     */
    readonly fleetCaughtUp: () => boolean = () => true,
    /** Each agent's own-metrics figures over a stretch of time (data-plane gates); absent: none. */
    readonly telemetry?: TelemetryFiguresOf,
    /** The error records of each agent's own logs since a time (failures name them); absent: none. */
    readonly collectorErrors?: CollectorErrorsOf,
  ) {}

  lockedBy(agentId: string, except: string | null = null): string | null {
    return lockHolder(this.rollouts(), agentId, except);
  }

  /** The rollout observations one live fleet event carries for `rolloutId`. */
  observations(event: FleetEvent, rolloutId: string, now: number): RolloutInput[] {
    const agent = this.view.agent(event.agentId);
    return agent === undefined ? [] : observationsOf(event, agent, this.context(event.agentId, rolloutId, now));
  }

  /** Everything the view knows about these agents, as observations for `rolloutId`. */
  reconcileAgents(agentIds: readonly string[], rolloutId: string, now: number): RolloutInput[] {
    return agentIds.flatMap((agentId) => reconcileObservations(agentId, this.view.agent(agentId), this.view.snapshot(agentId), this.context(agentId, rolloutId, now)));
  }

  /** The agents whose observations bring a rollout up to date with the fleet view: every agent it knows or its target matches. */
  reconcileAgentIds(state: RolloutState): string[] {
    const agentIds = new Set(rolloutAgents(state).map((agent) => agent.agentId));
    for (const agent of this.view.all()) if (matchesTarget(state.settings.target, agent)) agentIds.add(agent.agentId);
    return [...agentIds];
  }

  /** Assignments the rollout's history implies that `agent-desired` does not hold. */
  desiredDrift(state: RolloutState): DesiredConfigAssignment[] {
    const rolloutId = state.settings.rolloutId;
    return desiredDrift(state, (agentId) => this.mirror.get(agentId)?.configHash, (agentId) => this.lockedBy(agentId, rolloutId));
  }

  startCommand(prepared: PreparedStart, now: number): StartRollout {
    return { ...prepared, type: 'StartRollout', ...this.fleetFacts(prepared.rolloutId), now };
  }

  /** The start of `rolloutId`, an undo of `undone`, against the fleet and `agent-desired` now. */
  undoCommand(undone: RolloutState, rolloutId: string, fast: boolean, now: number): Result<StartRollout> {
    const desiredBy: Record<string, string | null> = {};
    for (const agent of rolloutAgents(undone)) {
      const entry = this.mirror.get(agent.agentId);
      if (entry !== undefined) desiredBy[agent.agentId] = entry.rolloutId;
    }
    return undoStart(undone, { rolloutId, fast, ...this.fleetFacts(rolloutId), desiredBy, now });
  }

  /** What every start reads of the fleet: its agents, what each runs, and which other active rollout holds it. */
  private fleetFacts(rolloutId: string): Pick<StartRollout, 'fleet' | 'previousConfigHashes' | 'unknownConfigHashes' | 'lockedAgents'> {
    const fleet = this.view.all();
    const previousConfigHashes: Record<string, string> = {};
    const unknownConfigHashes: Record<string, string> = {};
    const lockedAgents: Record<string, string> = {};
    for (const agent of fleet) {
      const previous = this.previousConfigHash(agent.agentId);
      if (previous !== null) previousConfigHashes[agent.agentId] = previous;
      const unknown = this.unknownConfigHash(agent.agentId);
      if (unknown !== null) unknownConfigHashes[agent.agentId] = unknown;
      const holder = this.lockedBy(agent.agentId, rolloutId);
      if (holder !== null) lockedAgents[agent.agentId] = holder;
    }
    return { fleet, previousConfigHashes, unknownConfigHashes, lockedAgents };
  }

  private previousConfigHash(agentId: string): string | null {
    return previousConfigHash(this.view.snapshot(agentId), (hash) => this.configs.has(hash), this.view.lastAppliedHash(agentId));
  }

  private unknownConfigHash(agentId: string): string | null {
    return unknownConfigHash(this.view.snapshot(agentId), (hash) => this.configs.has(hash), this.view.lastAppliedHash(agentId));
  }

  private context(agentId: string, rolloutId: string, now: number): ObservationContext {
    return { previousConfigHash: this.previousConfigHash(agentId), unknownConfigHash: this.unknownConfigHash(agentId), lockedBy: this.lockedBy(agentId, rolloutId), now };
  }
}
