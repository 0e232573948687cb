import { classify, type AgentRecord, type ExclusionReason } from './agent-record';
import { agentChunks } from './agent-chunks';
import { cohortOrder, type CohortMember } from './cohort';
import { assign, emit, type Recorder } from './decision';
import { nextFillChunk, nextInCohortOrder } from './phase-fill';
import { phaseAllowance } from './plan';
import { targetConfigOf } from './target-config';
import { agentOf, memberCount, populationCount, type DraftState } from './state';

/** How many agents the current phase may have targeted in total, for the members known now. */
export function currentAllowance(draft: DraftState): number {
  const phase = draft.settings.plan[draft.phaseIndex];
  if (phase === undefined) return 0;
  const strata = draft.settings.stratifyBy === null ? 0 : Object.keys(draft.strata).length;
  return phaseAllowance(phase.size, memberCount(draft.counts), strata, draft.settings.minCanaryAgents ?? 1);
}

/**
 * Starts a phase and targets the agents it adds, in cohort order: the first FILL_CHUNK of them
 * now, the rest by `continueFill` on the Ticks that follow (the phase's gate waits for them).
 */
export function startPhase(recorder: Recorder, index: number): void {
  const phase = recorder.draft.settings.plan[index];
  if (phase === undefined) throw new Error(`plan of rollout ${recorder.draft.settings.rolloutId} has no phase ${index}`);
  const strata = recorder.draft.settings.stratifyBy === null ? 0 : Object.keys(recorder.draft.strata).length;
  const allowance = phaseAllowance(phase.size, memberCount(recorder.draft.counts), strata, recorder.draft.settings.minCanaryAgents ?? 1);
  emit(recorder, { type: 'PhaseStarted', phase: index, name: phase.name, allowance, windowMs: phase.windowMs, requireApproval: phase.requireApproval });
  continueFill(recorder);
}

/**
 * Targets the next FILL_CHUNK agents the phase's start chose (see PhaseFill), while the rollout
 * is in progress. Once every one is targeted or passed over (it disconnected or left since),
 * the phase is topped up for those passed over, as `fillPhase` does.
 */
export function continueFill(recorder: Recorder): void {
  if (recorder.draft.fill === null || recorder.draft.status !== 'in_progress') return;
  target(recorder, nextFillChunk(recorder.draft), false);
  if (recorder.draft.fill === null) fillPhase(recorder, true);
}

/**
 * Targets waiting, connected members in cohort order until the phase's allowance is reached.
 * The allowance counts targeted agents that still count (excluded ones are replaced).
 * Disconnected members are passed over (they never block a phase); they are taken later by
 * `admitLate` or a wider phase. While the phase start's own choice is still being targeted it
 * does nothing: `continueFill` tops the phase up once that is done.
 */
export function fillPhase(recorder: Recorder, late: boolean): void {
  if (recorder.draft.fill !== null) return;
  const room = currentAllowance(recorder.draft) - populationCount(recorder.draft.counts);
  target(recorder, nextInCohortOrder(recorder.draft, room), late);
}

/**
 * A member that joined or reconnected mid-phase gets what its cohort position implies: the
 * new config if its position lies inside the current phase (and the phase has room), else it
 * keeps its previous config until a wider phase reaches it.
 */
export function admitLate(recorder: Recorder, agentId: string): void {
  const { draft } = recorder;
  const agent = agentOf(draft, agentId);
  if (draft.status !== 'in_progress' || agent === undefined || classify(agent) !== 'waiting' || !agent.connected) return;
  const allowance = currentAllowance(draft);
  if (populationCount(draft.counts) >= allowance) return;
  const position = memberOrder(draft).indexOf(agentId);
  if (position >= 0 && position < allowance) target(recorder, [agent], true);
}

/**
 * A member stops counting (it left the target, or stayed disconnected under the exclude
 * policy). A targeted one is replaced by the next member in cohort order.
 */
export function excludeAgent(recorder: Recorder, agentId: string, reason: ExclusionReason): void {
  emit(recorder, { type: 'AgentExcluded', agentId, reason });
  if (recorder.draft.status === 'in_progress') fillPhase(recorder, true);
}

/**
 * Sends each of `agents` its config, in order, AGENTS_PER_EVENT to an event; one event per
 * config (the members of an undo go to different configs), in order of first appearance.
 */
function target(recorder: Recorder, agents: readonly AgentRecord[], late: boolean): void {
  const byConfig = new Map<string, AgentRecord[]>();
  for (const agent of agents) {
    const configHash = targetConfigOf(agent, recorder.draft.settings);
    const group = byConfig.get(configHash);
    if (group === undefined) byConfig.set(configHash, [agent]);
    else group.push(agent);
  }
  for (const [configHash, group] of byConfig) {
    for (const chunk of agentChunks(group)) {
      const targeted = chunk.map((agent) => ({ agentId: agent.agentId, previousConfigHash: agent.previousConfigHash }));
      emit(recorder, { type: 'AgentsTargeted', phase: recorder.draft.phaseIndex, configHash, late, agents: targeted });
      for (const agent of chunk) assign(recorder, agent.agentId, configHash);
    }
  }
}

function memberOrder(draft: DraftState): string[] {
  const members: CohortMember[] = [];
  for (const bucket of draft.agents.buckets) {
    for (const agent of bucket.values()) {
      if (agent.membership === 'member') members.push({ agentId: agent.agentId, cohortKey: agent.cohortKey, stratum: agent.stratum });
    }
  }
  return cohortOrder(draft.settings.rolloutId, members);
}
