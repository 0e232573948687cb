import { describeTarget, matchesTarget, type FleetAgent } from '@roost/fleet';
import { SKIP_REASONS, type EnrolledAgent, type SkipReason } from './agent-record';
import { agentChunks } from './agent-chunks';
import { beginRecorder, emit, eventId, finishRecorder, type Decision } from './decision';
import { enrol, skipReason } from './eligibility';
import { rolloutError, type RolloutError } from './errors';
import { ROLLOUT_EVENT_SCHEMA_VERSION, type RolloutStarted, type SkipCounts } from './rollout-events';
import { evolve } from './evolve';
import type { StartRollout } from './inputs';
import { startPhase } from './phase';
import { settingsFrom, type RolloutSettings } from './settings';
import type { RolloutState } from './state';

/**
 * Starts a rollout: applies the target to the fleet snapshot, refuses overlaps with active
 * rollouts and targets without an eligible agent, records the members and the skipped agents
 * with their reasons, and starts the first phase.
 */
export function decideStart(state: RolloutState | null, command: StartRollout): Decision {
  if (state !== null) return refuse(rolloutError('rollout.already_exists', `rollout ${command.rolloutId} already exists (${state.status})`, { rolloutId: command.rolloutId }));
  const settings = settingsFrom(command);
  if (!settings.ok) return refuse(settings.error);
  const matched = command.fleet.filter((agent) => matchesTarget(command.target, agent));
  const overlap = overlapError(settings.value, matched, command.lockedAgents);
  if (overlap !== null) return refuse(overlap);

  const members: EnrolledAgent[] = [];
  const skipped: { agentId: string; reason: SkipReason }[] = [];
  for (const agent of matched) {
    const previous = command.previousConfigHashes[agent.agentId] ?? null;
    const reason = skipReason(agent, previous, null, settings.value);
    if (reason === null) members.push(enrol(agent, previous, settings.value));
    else skipped.push({ agentId: agent.agentId, reason });
  }
  const skipCounts = countReasons(skipped.map((entry) => entry.reason));
  if (members.length === 0) return refuse(noEligibleError(settings.value, matched.length, skipCounts));

  const started: RolloutStarted = {
    type: 'RolloutStarted',
    schemaVersion: ROLLOUT_EVENT_SCHEMA_VERSION,
    id: eventId(command.rolloutId, 1),
    rolloutId: command.rolloutId,
    at: command.now,
    settings: settings.value,
    matched: matched.length,
    eligible: members.length,
    skipped: skipCounts,
  };
  const recorder = beginRecorder(evolve(null, started), command.now);
  recorder.events.push(started);
  for (const agents of agentChunks(members)) emit(recorder, { type: 'AgentsEnrolled', agents });
  for (const entry of skipped) emit(recorder, { type: 'AgentSkipped', agentId: entry.agentId, reason: entry.reason, lockedBy: null });
  startPhase(recorder, 0);
  return finishRecorder(recorder, true, false);
}

function refuse(error: RolloutError): Decision {
  return { ok: false, error };
}

/** One active rollout per agent: any matched agent held by another rollout refuses the start. */
function overlapError(settings: RolloutSettings, matched: readonly FleetAgent[], locked: Readonly<Record<string, string>>): RolloutError | null {
  const holders = new Map<string, number>();
  for (const agent of matched) {
    const holder = locked[agent.agentId];
    if (holder !== undefined && holder !== settings.rolloutId) holders.set(holder, (holders.get(holder) ?? 0) + 1);
  }
  if (holders.size === 0) return null;
  const rolloutIds = [...holders.keys()].sort();
  const agents = [...holders.values()].reduce((sum, n) => sum + n, 0);
  const named = rolloutIds.map((id) => `${id} (${holders.get(id)} agents)`).join(', ');
  return rolloutError(
    'target.overlaps_active_rollout',
    `${describeTarget(settings.target)} overlaps active rollout ${named}; one active rollout per agent — wait for it to end, or abort it`,
    { rolloutIds, agents },
  );
}

const REASON_TEXT: Record<SkipReason, string> = {
  disconnected: 'disconnected',
  no_accepts_remote_config: 'do not advertise AcceptsRemoteConfig',
  locked_by_other_rollout: 'held by another active rollout',
  already_on_config: 'already run this config',
  no_previous_config: 'never had a remote config to return to',
};

function noEligibleError(settings: RolloutSettings, matched: number, skipped: SkipCounts): RolloutError {
  const target = describeTarget(settings.target);
  if (matched === 0) return rolloutError('target.no_eligible_agents', `${target} matches no agent`, { matched, skipped });
  const why = SKIP_REASONS.filter((reason) => skipped[reason] !== undefined).map((reason) => `${skipped[reason]} ${REASON_TEXT[reason]}`);
  const remedies =
    skipped.no_previous_config !== undefined
      ? '. Agents that never had a remote config take part only when the rollout names a baseline config to fall back to (baselineConfigHash) or accepts that they keep the new config if it fails (acceptKeepNewOnFailure): an empty config would stop their collector'
      : '';
  return rolloutError('target.no_eligible_agents', `${target} matches ${matched} agents but none is eligible: ${why.join(', ')}${remedies}`, { matched, skipped });
}

function countReasons(reasons: readonly SkipReason[]): SkipCounts {
  const counts: Partial<Record<SkipReason, number>> = {};
  for (const reason of reasons) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}
