import type { FleetAgent } from '@roost/fleet';
import { fail, ok, rolloutError, type Result } from './errors';
import type { StartRollout, UndoAgent, UndoSkipReason, UndoSpec } from './inputs';
import type { Phase, PhaseSpec } from './plan';
import { isActive, type RolloutState } from './state';
import { rolloutAgents } from './summary';
import { targetConfigOf } from './target-config';

/** The fast path an operator may choose: every agent at once, judged as soon as the outcomes are in. */
export const FAST_UNDO_PLAN: readonly PhaseSpec[] = [{ name: 'undo', percent: 100, windowMs: 0 }];

/** What an undo reads besides the undone rollout: the fleet now, as a start reads it. */
export interface UndoRequest {
  /** The new rollout's id. */
  readonly rolloutId: string;
  /** Same phases and gates as the undone rollout (false), or FAST_UNDO_PLAN (true). */
  readonly fast: boolean;
  readonly fleet: readonly FleetAgent[];
  /** Each agent's current remote config, when Roost holds it (as for a start). */
  readonly previousConfigHashes: Readonly<Record<string, string>>;
  /** Each agent's current remote config when Roost does not hold it. */
  readonly unknownConfigHashes?: Readonly<Record<string, string>>;
  /** The rollout that set each agent's `agent-desired` entry (absent or null: none, or set outside a rollout). */
  readonly desiredBy: Readonly<Record<string, string | null>>;
  readonly lockedAgents: Readonly<Record<string, string>>;
  readonly now: number;
}

/**
 * The start of a rollout that undoes `undone`: each agent the undone rollout touched goes back
 * to the config it ran before it (per agent: agents came from different configs), through the
 * undone rollout's phases and gates or the fast path. An agent is left alone when it ran no
 * remote config before (`no_previous_config`: an empty config would stop its collector), when
 * it already runs that config again (`already_on_config`: reverted, released, or undone
 * before), or when its config changed since (`superseded`: it runs something other than what
 * the undone rollout gave it, or a later rollout assigned it). The start that follows is an
 * ordinary gated rollout (decideStart): an undo is never a side door for configs. Refused while
 * the undone rollout is still active (abort or roll it back instead) and when it touched no agent.
 */
export function undoStart(undone: RolloutState, request: UndoRequest): Result<StartRollout> {
  const { settings } = undone;
  if (isActive(undone.status)) {
    return fail(
      rolloutError('undo.rollout_active', `rollout ${settings.rolloutId} is ${undone.status}; undo takes back an ended rollout — roll it back (or abort it) instead`, {
        rolloutId: settings.rolloutId,
        status: undone.status,
      }),
    );
  }
  const agents: Record<string, UndoAgent> = {};
  for (const agent of rolloutAgents(undone)) {
    if (agent.targetedAt === null) continue;
    const running = request.previousConfigHashes[agent.agentId] ?? request.unknownConfigHashes?.[agent.agentId] ?? null;
    const setBy = request.desiredBy[agent.agentId] ?? null;
    agents[agent.agentId] = { returnTo: agent.previousConfigHash, skip: undoSkip(agent.previousConfigHash, targetConfigOf(agent, settings), running, setBy, settings.rolloutId) };
  }
  if (Object.keys(agents).length === 0) {
    return fail(rolloutError('undo.nothing_touched', `rollout ${settings.rolloutId} sent its config to no agent; there is nothing to undo`, { rolloutId: settings.rolloutId }));
  }
  const undo: UndoSpec = { of: settings.rolloutId, agents };
  return ok({
    type: 'StartRollout',
    rolloutId: request.rolloutId,
    target: settings.target,
    configHash: headlineConfig(agents) ?? settings.configHash,
    previousConfigHashes: request.previousConfigHashes,
    ...(request.unknownConfigHashes === undefined ? {} : { unknownConfigHashes: request.unknownConfigHashes }),
    plan: request.fast ? FAST_UNDO_PLAN : settings.plan.map(phaseSpecOf),
    threshold: settings.threshold,
    minOutcomeRatio: settings.minOutcomeRatio,
    policy: settings.policy,
    stratifyBy: settings.stratifyBy,
    timing: settings.timing,
    disconnectedPolicy: settings.disconnectedPolicy,
    ...(settings.minCanaryAgents === undefined || request.fast ? {} : { minCanaryAgents: settings.minCanaryAgents }),
    undo,
    fleet: request.fleet,
    lockedAgents: request.lockedAgents,
    now: request.now,
  });
}

function undoSkip(returnTo: string | null, rolledOut: string, running: string | null, setBy: string | null, undoneId: string): UndoSkipReason | null {
  if (returnTo === null) return 'no_previous_config';
  if (running === returnTo) return 'already_on_config';
  if (running !== rolledOut || (setBy !== null && setBy !== undoneId)) return 'superseded';
  return null;
}

/**
 * The config most of the undo's agents go back to (ties: the smallest hash): what the undo's
 * views show as its config. Each member carries its own; null when none goes back.
 */
function headlineConfig(agents: Readonly<Record<string, UndoAgent>>): string | null {
  const counts = new Map<string, number>();
  for (const agent of Object.values(agents)) if (agent.skip === null && agent.returnTo !== null) counts.set(agent.returnTo, (counts.get(agent.returnTo) ?? 0) + 1);
  let best: string | null = null;
  for (const [hash, n] of counts) {
    const top = best === null ? 0 : (counts.get(best) ?? 0);
    if (n > top || (n === top && best !== null && hash < best)) best = hash;
  }
  return best;
}

function phaseSpecOf(phase: Phase): PhaseSpec {
  const size = phase.size.kind === 'percent' ? { percent: phase.size.percent } : { count: phase.size.count };
  return { name: phase.name, ...size, windowMs: phase.windowMs, requireApproval: phase.requireApproval };
}
