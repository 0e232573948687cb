import { describeTarget } from '@roost/fleet';
import type { AgentRecord } from './agent-record';
import { allAgents, getAgent } from './agent-table';
import type { PauseCause, RolloutState, RolloutStatus } from './state';
import { isActive, memberCount, targetedCount } from './state';

/** A rollout at a glance (what status replies and views show). */
export interface RolloutSummary {
  readonly rolloutId: string;
  readonly status: RolloutStatus;
  readonly target: string;
  readonly configHash: string;
  readonly phase: { readonly index: number; readonly name: string; readonly of: number } | null;
  readonly awaitingApproval: boolean;
  readonly pausedBy: PauseCause | null;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly endedAt: number | null;
  /** Eligible agents of the target (the base of phase percentages). */
  readonly members: number;
  readonly targeted: number;
  readonly applied: number;
  readonly failed: number;
  readonly pending: number;
  /** Sent back by a rollback (failed agents count as failed). */
  readonly reverted: number;
  /** Put back on the config they ran when the rollout finished before they applied it. */
  readonly released: number;
  readonly disconnected: number;
  readonly excluded: number;
  readonly skipped: number;
  /** Only on an undo: the rollout it undoes. */
  readonly undoOf?: string;
}

export function summarize(state: RolloutState): RolloutSummary {
  const { counts, settings } = state;
  const phase = settings.plan[state.phaseIndex];
  return {
    rolloutId: settings.rolloutId,
    status: state.status,
    target: describeTarget(settings.target),
    configHash: settings.configHash,
    phase: phase === undefined ? null : { index: state.phaseIndex, name: phase.name, of: settings.plan.length },
    awaitingApproval: state.awaitingApproval,
    pausedBy: state.pause?.cause ?? null,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
    endedAt: state.endedAt,
    members: memberCount(counts),
    targeted: targetedCount(counts),
    applied: counts.ready,
    failed: counts.failed,
    pending: counts.pending,
    reverted: counts.reverted,
    released: counts.released,
    disconnected: counts.disconnected,
    excluded: counts.excluded + counts.left,
    skipped: counts.skipped,
    ...(state.undoOf === null ? {} : { undoOf: state.undoOf }),
  };
}

/** Every agent the rollout knows (members and skipped), for views and tests. */
export function rolloutAgents(state: RolloutState): AgentRecord[] {
  return allAgents(state.agents);
}

export function rolloutAgent(state: RolloutState, agentId: string): AgentRecord | undefined {
  return getAgent(state.agents, agentId);
}

/**
 * The agents this rollout holds while active (members that have not left): the orchestrator
 * passes them as `lockedAgents` to other rollouts' starts and joins.
 */
export function heldAgents(state: RolloutState): string[] {
  if (!isActive(state.status)) return [];
  return allAgents(state.agents)
    .filter((agent) => agent.membership === 'member' && agent.exclusion === null)
    .map((agent) => agent.agentId)
    .sort();
}
