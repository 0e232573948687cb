import { describeTarget, matchesTarget, type FleetAgent } from '@roost/fleet';
import type { EnrolledAgent, SkipReason } from './agent-record';
import { agentChunks } from './agent-chunks';
import { beginRecorder, emit, eventId, finishRecorder, type Decision } from './decision';
import { agentsLackingComponents } from './components';
import { enrol, skipReason, undoSkipReason } from './eligibility';
import { groupSuggestions } from './group-suggestions';
import { describeSkips, skippedForNoFallback } from './skips';
import { rolloutError, type RolloutError } from './errors';
import { AGENTS_PER_EVENT, ROLLOUT_EVENT_SCHEMA_VERSION, type RolloutStarted, type SkipCounts } from './rollout-events';
import { evolve } from './evolve';
import { FLEET_CAUGHT_UP, type StartRollout } from './inputs';
import { startPhase } from './phase';
import { settingsFrom, type RolloutSettings } from './settings';
import type { RolloutState } from './state';
import { AGENTS_PER_STEP, runSteps, type Steps } from './steps';

/**
 * Starts a rollout: applies the target to the fleet snapshot, refuses overlaps with active
 * rollouts and targets without an eligible agent, records the members and the skipped agents
 * with their reasons, and starts the first phase.
 */
export function decideStart(state: RolloutState | null, command: StartRollout): Decision {
  return runSteps(startSteps(state, command));
}

/**
 * decideStart in steps of AGENTS_PER_STEP agents (see Steps): a start enrols every member in
 * one decision, which at 100,000 agents is seconds of work. The decision is the same wherever
 * it pauses; nothing of it is stored until it is whole.
 */
export function* startSteps(state: RolloutState | null, command: StartRollout): Steps<Decision> {
  if (state !== null) return refuse(rolloutError('rollout.already_exists', `rollout ${command.rolloutId} already exists (${state.status})`, { rolloutId: command.rolloutId }));
  const settings = settingsFrom(command);
  if (!settings.ok) return refuse(settings.error);
  const undo = command.undo;
  // An undo's members are the agents the undone rollout touched, wherever the target is now.
  const matched: FleetAgent[] = [];
  for (const [index, agent] of command.fleet.entries()) {
    if (undo === undefined ? matchesTarget(command.target, agent) : undo.agents[agent.agentId] !== undefined) matched.push(agent);
    if (index % AGENTS_PER_STEP === AGENTS_PER_STEP - 1) yield;
  }
  const overlap = overlapError(settings.value, matched, command.lockedAgents);
  if (overlap !== null) return refuse(overlap);

  const members: EnrolledAgent[] = [];
  const skipped: { agentId: string; reason: SkipReason }[] = [];
  for (const [index, agent] of matched.entries()) {
    const previous = command.previousConfigHashes[agent.agentId] ?? null;
    const undoAgent = undo?.agents[agent.agentId];
    const reason = undoAgent === undefined ? skipReason(agent, previous, null, settings.value, command.unknownConfigHashes?.[agent.agentId] ?? null) : undoSkipReason(agent, undoAgent, settings.value);
    if (reason === null) members.push(enrol(agent, previous, settings.value, undoAgent?.returnTo ?? null));
    else skipped.push({ agentId: agent.agentId, reason });
    if (index % AGENTS_PER_STEP === AGENTS_PER_STEP - 1) yield;
  }
  const skipCounts = countReasons(skipped.map((entry) => entry.reason));
  const lackingIds = new Set(skipped.filter((entry) => entry.reason === 'missing_components').map((entry) => entry.agentId));
  const lacking = missingComponentsError(settings.value, matched.filter((agent) => lackingIds.has(agent.agentId)));
  if (lacking !== null) return refuse(lacking);
  if (members.length === 0) return refuse(undo === undefined ? noEligibleError(settings.value, matched.length, skipCounts, command.fleet) : nothingToUndoError(undo.of, matched.length, skipCounts));

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
  const recorder = beginRecorder(evolve(null, started), command.now, FLEET_CAUGHT_UP);
  recorder.events.push(started);
  if (undo !== undefined) emit(recorder, { type: 'UndoStarted', undoOf: undo.of });
  for (const [index, agents] of agentChunks(members).entries()) {
    emit(recorder, { type: 'AgentsEnrolled', agents });
    if ((index + 1) % (AGENTS_PER_STEP / AGENTS_PER_EVENT) === 0) yield;
  }
  for (const [index, entry] of skipped.entries()) {
    emit(recorder, { type: 'AgentSkipped', agentId: entry.agentId, reason: entry.reason, lockedBy: null });
    if (index % AGENTS_PER_STEP === AGENTS_PER_STEP - 1) yield;
  }
  yield;
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


function noEligibleError(settings: RolloutSettings, matched: number, skipped: SkipCounts, fleet: readonly FleetAgent[]): RolloutError {
  const target = describeTarget(settings.target);
  if (matched === 0 && settings.target.kind === 'group') return unknownGroupError(settings.target.group, fleet, skipped);
  if (matched === 0) return rolloutError('target.no_eligible_agents', `${target} matches no agent`, { matched, skipped });
  const remedies = skippedForNoFallback(skipped)
    ? '. Agents with no previous config Roost holds take part only when the rollout names a baseline config to fall back to (baselineConfigHash) or accepts that they keep the new config if it fails (acceptKeepNewOnFailure): an empty config would stop their collector'
      : '';
  return rolloutError('target.no_eligible_agents', `${target} matches ${matched} agents but none is eligible: ${describeSkips(skipped)}${remedies}`, { matched, skipped });
}

/** Policy refuse: a start that would reach agents lacking a component the config uses (`lackingAgents`) is refused, naming them. */
function missingComponentsError(settings: RolloutSettings, lackingAgents: readonly FleetAgent[]): RolloutError | null {
  if (settings.components?.policy !== 'refuse') return null;
  const lacking = agentsLackingComponents(lackingAgents, settings.components.required);
  if (lacking.length === 0) return null;
  const components = [...new Set(lacking.flatMap((agent) => agent.missing))].sort();
  const named = lacking.slice(0, 5).map((agent) => `${agent.agentId} (${agent.missing.join(', ')})`).join(', ');
  return rolloutError(
    'components.missing',
    `${lacking.length} agents of ${describeTarget(settings.target)} lack a component the config uses (${components.join(', ')}): ${named}${lacking.length > 5 ? ', …' : ''}; they would fail — leave them out (missingComponentsPolicy exclude) or give them a collector with these components`,
    { agents: lacking.length, components, agentIds: lacking.slice(0, 20).map((agent) => agent.agentId) },
  );
}

function nothingToUndoError(undoneId: string, matched: number, skipped: SkipCounts): RolloutError {
  const why = matched === 0 ? 'the fleet knows none of the agents it touched' : `none of its ${matched} agents can go back now: ${describeSkips(skipped, true)}`;
  return rolloutError('target.no_eligible_agents', `nothing to undo in rollout ${undoneId}: ${why}`, { matched, skipped, undoOf: undoneId });
}

/** A group no agent belongs to: the refusal names the groups there are, and the closest. */
function unknownGroupError(group: string, fleet: readonly FleetAgent[], skipped: SkipCounts): RolloutError {
  const { known, closest } = groupSuggestions(group, fleet);
  const listed = known.length === 0 ? 'no agent reports service.environment yet' : `known groups: ${known.map((entry) => `${entry.group} (${entry.agents})`).join(', ')}`;
  const guess = closest.length === 0 ? '' : `; did you mean ${closest.map((name) => `"${name}"`).join(' or ')}?`;
  return rolloutError('target.no_eligible_agents', `group "${group}" matches no agent (no agent reports service.environment=${group}); ${listed}${guess}`, {
    matched: 0,
    skipped,
    knownGroups: known.map((entry) => entry.group),
    closestGroups: closest,
  });
}

function countReasons(reasons: readonly SkipReason[]): SkipCounts {
  const counts: Partial<Record<SkipReason, number>> = {};
  for (const reason of reasons) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}
