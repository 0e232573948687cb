import { agentDeadline } from './agent-deadline';
import { AGENT_CLASSES, classify, type AgentClass, type AgentRecord } from './agent-record';
import { draftGet, draftPut, draftTable, sealTable, type AgentTable, type TableDraft } from './agent-table';
import type { PhaseFill } from './phase-fill';
import type { Phase } from './plan';
import type { RolloutSettings } from './settings';

export type RolloutStatus = 'pending' | 'in_progress' | 'paused' | 'completed' | 'rolled_back' | 'aborted' | 'failed';

export const ACTIVE_STATUSES: readonly RolloutStatus[] = ['pending', 'in_progress', 'paused'];

export function isActive(status: RolloutStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

export type PauseCause = 'operator' | 'phase_failed';

/** One rollout, as rebuilt from its events. Immutable; `evolve` returns a new one. */
export interface RolloutState {
  readonly settings: RolloutSettings;
  readonly status: RolloutStatus;
  /** Number of events applied; the next event's id ends in version + 1. */
  readonly version: number;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly endedAt: number | null;
  /** Index into the plan of the current phase; -1 before the first phase starts. */
  readonly phaseIndex: number;
  readonly phaseStartedAt: number | null;
  /** Time the current phase spent paused: its window is suspended meanwhile (see windowEndsAt). */
  readonly phasePausedMs: number;
  readonly awaitingApproval: boolean;
  /** Why the current phase's data-plane gates wait for figures (the last PhaseWaitingForData); null when they do not. */
  readonly dataWaiting: string | null;
  readonly pause: { readonly cause: PauseCause; readonly at: number } | null;
  readonly agents: AgentTable;
  /** How many records are in each class; kept in step with `agents`, so gates are O(1). */
  readonly counts: Readonly<Record<AgentClass, number>>;
  /** Members per stratum value (stratified rollouts only). */
  readonly strata: Readonly<Record<string, number>>;
  /** An undo: the rollout it undoes (UndoStarted); null for any other rollout. */
  readonly undoOf: string | null;
  /** The current phase start's agents still to target (see PhaseFill); null when none is. */
  readonly fill: PhaseFill | null;
}

/** The mutable working copy used while applying events; never escapes evolve/decide. */
export interface DraftState extends Omit<RolloutState, 'agents' | 'counts' | 'strata'> {
  status: RolloutStatus;
  version: number;
  updatedAt: number;
  endedAt: number | null;
  phaseIndex: number;
  phaseStartedAt: number | null;
  phasePausedMs: number;
  awaitingApproval: boolean;
  dataWaiting: string | null;
  pause: { readonly cause: PauseCause; readonly at: number } | null;
  undoOf: string | null;
  fill: PhaseFill | null;
  readonly agents: TableDraft;
  readonly counts: Record<AgentClass, number>;
  readonly strata: Record<string, number>;
}

export function zeroCounts(): Record<AgentClass, number> {
  return Object.fromEntries(AGENT_CLASSES.map((name) => [name, 0])) as Record<AgentClass, number>;
}

export function draftState(state: RolloutState): DraftState {
  const { timing } = state.settings;
  return { ...state, agents: draftTable(state.agents, (agent) => agentDeadline(agent, timing)), counts: { ...state.counts }, strata: { ...state.strata } };
}

export function sealState(draft: DraftState): RolloutState {
  const agents = sealTable(draft.agents);
  return { ...draft, agents, counts: { ...draft.counts }, strata: { ...draft.strata } };
}

export function agentOf(draft: DraftState, agentId: string): AgentRecord | undefined {
  return draftGet(draft.agents, agentId);
}

/** Stores a record and moves it between class and stratum counters. */
export function putAgent(draft: DraftState, agent: AgentRecord): void {
  const before = draftGet(draft.agents, agent.agentId);
  if (before !== undefined) {
    draft.counts[classify(before)] -= 1;
    countStratum(draft, before, -1);
  }
  draftPut(draft.agents, agent);
  draft.counts[classify(agent)] += 1;
  countStratum(draft, agent, 1);
}

export function updateAgent(draft: DraftState, agentId: string, change: (agent: AgentRecord) => AgentRecord): void {
  const agent = draftGet(draft.agents, agentId);
  if (agent === undefined) throw new Error(`event names agent ${agentId}, unknown to rollout ${draft.settings.rolloutId}`);
  putAgent(draft, change(agent));
}

function countStratum(draft: DraftState, agent: AgentRecord, delta: number): void {
  if (agent.membership !== 'member' || agent.stratum === null) return;
  const next = (draft.strata[agent.stratum] ?? 0) + delta;
  if (next === 0) delete draft.strata[agent.stratum];
  else draft.strata[agent.stratum] = next;
}

/** Members ever enrolled (the base of phase percentages; it only grows). */
export function memberCount(counts: Readonly<Record<AgentClass, number>>): number {
  return counts.waiting + counts.left + targetedCount(counts);
}

export function targetedCount(counts: Readonly<Record<AgentClass, number>>): number {
  return counts.excluded + counts.reverted + counts.released + populationCount(counts);
}

/** Targeted agents that still count: the denominator of the failure ratio. */
export function populationCount(counts: Readonly<Record<AgentClass, number>>): number {
  return counts.failed + counts.disconnected + counts.pending + counts.ready;
}

/** The phase the rollout is in; only valid once the first phase has started. */
export function currentPhase(state: Pick<RolloutState, 'settings' | 'phaseIndex'>): Phase {
  const phase = state.settings.plan[state.phaseIndex];
  if (phase === undefined) throw new Error(`rollout ${state.settings.rolloutId} has no phase ${state.phaseIndex}`);
  return phase;
}

/**
 * When the current phase's observation window ends: its start plus its window plus the time the
 * phase spent paused (a pause stops the clock). While paused the end moves with the pause, so
 * it is reported as it would be if resumed at `now`. Null before the first phase.
 */
export function windowEndsAt(state: Pick<RolloutState, 'settings' | 'phaseIndex' | 'phaseStartedAt' | 'phasePausedMs' | 'pause'>, now: number): number | null {
  if (state.phaseStartedAt === null) return null;
  const pausedNow = state.pause === null ? 0 : Math.max(0, now - state.pause.at);
  return state.phaseStartedAt + state.phasePausedMs + pausedNow + currentPhase(state).windowMs;
}
