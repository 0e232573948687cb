import type { FailureGroup, Permission, Phase, Rollout, RolloutAgent } from './api-types';

/** What the live page shows of a rollout, computed from the API's answers alone (no DOM). */

const ENDED = new Set(['completed', 'rolled_back', 'aborted', 'failed']);

export function isEnded(status: string): boolean {
  return ENDED.has(status);
}

/** The gate's figures against its threshold: "1 of 6 failed, 0 allowed (2 pending)". */
export function gateText(phase: Phase): string {
  const gate = phase.gate;
  if (gate === null) return phase.state === 'planned' ? 'not started' : 'gate not judged yet';
  const waiting = [gate.pending > 0 ? `${gate.pending} pending` : '', gate.disconnected > 0 ? `${gate.disconnected} disconnected` : ''].filter((part) => part !== '');
  return `${gate.failed} of ${gate.population} failed, ${gate.allowedFailures} allowed${waiting.length > 0 ? ` (${waiting.join(', ')})` : ''}`;
}

/** Share of a phase's targeted agents whose outcome is known (applied or failed), 0-100. */
export function phaseProgress(phase: Phase): number {
  if (phase.targeted === 0) return phase.state === 'passed' ? 100 : 0;
  return Math.round((100 * (phase.applied + phase.failed)) / phase.targeted);
}

/** Share of the rollout's members running its config, 0-100. */
export function totalProgress(rollout: Pick<Rollout, 'members' | 'counts'>): number {
  return rollout.members === 0 ? 0 : Math.round((100 * rollout.counts.applied) / rollout.members);
}

/** Milliseconds left in a running phase's window; null when no window is counting down. */
export function windowLeftMs(phase: Phase, now: number): number | null {
  if (phase.state !== 'running' || phase.windowEndsAt === null) return null;
  return Math.max(0, phase.windowEndsAt - now);
}

/** `m:ss` (or `h:mm:ss`) of a duration, rounded up to the second. */
export function countdown(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export type RolloutVerb = 'pause' | 'resume' | 'promote' | 'abort' | 'rollback' | 'undo';

export interface RolloutAction {
  readonly verb: RolloutVerb;
  readonly label: string;
  /** The question to confirm first (actions that touch many agents), null to act at once. */
  readonly confirm: string | null;
}

/**
 * The actions the caller may take on the rollout as it stands: none without `write`; once it
 * completed, was aborted or failed, only its undo (when it touched agents and none was started).
 */
export function rolloutActions(rollout: Pick<Rollout, 'status' | 'awaitingApproval' | 'targeted' | 'members' | 'rolloutId' | 'undoneBy'>, permissions: readonly Permission[]): RolloutAction[] {
  if (!permissions.includes('write')) return [];
  if (isEnded(rollout.status)) {
    // A rollback already sent its agents back; the others can be undone once.
    if (rollout.status === 'rolled_back' || rollout.targeted === 0 || rollout.undoneBy !== null) return [];
    return [{ verb: 'undo', label: 'Undo', confirm: `Undo ${rollout.rolloutId}: start a new rollout that returns each of its ${rollout.targeted} touched agents to the config it ran before, through the same phases and gates?` }];
  }
  const untouched = Math.max(0, rollout.members - rollout.targeted);
  const promote: RolloutAction = {
    verb: 'promote',
    label: rollout.awaitingApproval ? 'Approve next phase' : 'Promote',
    confirm: `Promote ${rollout.rolloutId}: end the current phase now and widen the rollout (up to ${untouched} more agents)?`,
  };
  const abort: RolloutAction = { verb: 'abort', label: 'Abort', confirm: `Abort ${rollout.rolloutId}: stop where it is (agents that applied keep the config, ${rollout.targeted} agents touched)?` };
  const rollback: RolloutAction = { verb: 'rollback', label: 'Roll back', confirm: `Roll back ${rollout.rolloutId}: send every one of the ${rollout.targeted} touched agents back to its previous config?` };
  if (rollout.status === 'paused') return [{ verb: 'resume', label: 'Resume', confirm: null }, abort, rollback];
  return [{ verb: 'pause', label: 'Pause', confirm: null }, promote, abort, rollback];
}

export interface FailureGroupView {
  readonly message: string;
  readonly count: number;
  /** The failed agents known under this message (the page read may hold fewer than `count`). */
  readonly agentIds: readonly string[];
  /** Per agent, what else it reported besides the group's message (a supervisor's health error, other components). */
  readonly otherDetails: Readonly<Record<string, readonly string[]>>;
}

/** The message an agent failed with, as the views group it (the failure detail, else its reason). */
export function failureMessageOf(agent: RolloutAgent): string | null {
  if (agent.failure === null) return null;
  return agent.failure.detail !== '' ? agent.failure.detail : agent.failure.reason;
}

/** Failure groups, largest first, each with the agents that failed with its message. */
export function failureGroups(failures: readonly FailureGroup[], failedAgents: readonly RolloutAgent[]): FailureGroupView[] {
  const byMessage = new Map<string, string[]>();
  const otherDetails: Record<string, readonly string[]> = {};
  for (const agent of failedAgents) {
    const message = failureMessageOf(agent);
    if (message === null) continue;
    byMessage.set(message, [...(byMessage.get(message) ?? []), agent.agentId]);
    const others = (agent.failure?.details ?? []).filter((detail) => detail !== message);
    if (others.length > 0) otherDetails[agent.agentId] = others;
  }
  return [...failures]
    .sort((a, b) => b.agents - a.agents || a.message.localeCompare(b.message))
    .map((group) => {
      const agentIds = [...(byMessage.get(group.message) ?? [])].sort();
      return { message: group.message, count: group.agents, agentIds, otherDetails: Object.fromEntries(agentIds.filter((id) => otherDetails[id] !== undefined).map((id) => [id, otherDetails[id] ?? []])) };
    });
}

/** Outcome states with at least one agent, in the order the page lists them. */
export function outcomeEntries(counts: Rollout['counts']): [string, number][] {
  const order = ['applied', 'pending', 'waiting', 'failed', 'reverted', 'released', 'disconnected', 'excluded', 'left', 'skipped'] as const;
  return order.filter((state) => counts[state] > 0).map((state) => [state, counts[state]]);
}

/** Skipped agents by reason ("3 no_remote_config"). */
export function skippedEntries(skippedBy: Rollout['skippedBy']): [string, number][] {
  return Object.entries(skippedBy).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0);
}
