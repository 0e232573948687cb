import { enrolledRecord, type AgentRecord } from './agent-record';
import { emptyTable } from './agent-table';
import { assertNever } from './assert-never';
import { cohortKey } from './cohort';
import { advanceFill, chooseFill } from './phase-fill';
import type { RolloutEvent, RolloutStarted } from './rollout-events';
import { agentOf, draftState, putAgent, sealState, updateAgent, zeroCounts, type DraftState, type RolloutState } from './state';

/** The state after one more event. Total over histories that `decide` produced. */
export function evolve(state: RolloutState | null, event: RolloutEvent): RolloutState {
  return sealState(applyEvent(state === null ? null : draftState(state), event));
}

/** Folds a whole history (or its continuation from `from`); copies the state once. */
export function replay(events: readonly RolloutEvent[], from: RolloutState | null = null): RolloutState | null {
  let draft = from === null ? null : draftState(from);
  for (const event of events) draft = applyEvent(draft, event);
  return draft === null ? null : sealState(draft);
}

/** Applies an event to a working copy in place (the copy belongs to one evolve or decide). */
export function applyEvent(draft: DraftState | null, event: RolloutEvent): DraftState {
  if (event.type === 'RolloutStarted') {
    if (draft !== null) throw new Error(`rollout ${event.rolloutId} started twice`);
    return startedDraft(event);
  }
  if (draft === null) throw new Error(`${event.type} (${event.id}) before RolloutStarted`);
  draft.version += 1;
  draft.updatedAt = event.at;
  applyToDraft(draft, event);
  advanceFill(draft);
  return draft;
}

function startedDraft(event: RolloutStarted): DraftState {
  const draft = draftState({
    settings: event.settings,
    status: 'pending',
    version: 1,
    startedAt: event.at,
    updatedAt: event.at,
    endedAt: null,
    phaseIndex: -1,
    phaseStartedAt: null,
    phasePausedMs: 0,
    awaitingApproval: false,
    dataWaiting: null,
    pause: null,
    agents: emptyTable(),
    counts: zeroCounts(),
    strata: {},
    undoOf: null,
    fill: null,
  });
  return draft;
}

function applyToDraft(draft: DraftState, event: Exclude<RolloutEvent, RolloutStarted>): void {
  const at = event.at;
  const agent = (agentId: string, change: (record: AgentRecord) => AgentRecord): void => updateAgent(draft, agentId, change);
  switch (event.type) {
    case 'UndoStarted':
      draft.undoOf = event.undoOf;
      return;
    case 'AgentsEnrolled':
      for (const enrolled of event.agents) putAgent(draft, enrolledRecord(enrolled, cohortKey(event.rolloutId, enrolled.agentId), at));
      return;
    case 'AgentSkipped':
      putAgent(draft, skippedRecord(draft, event.agentId, { reason: event.reason, lockedBy: event.lockedBy }));
      return;
    case 'AgentJoined':
      putAgent(draft, enrolledRecord(event.agent, cohortKey(event.rolloutId, event.agent.agentId), at));
      return;
    case 'PhaseStarted':
      draft.status = 'in_progress';
      draft.phaseIndex = event.phase;
      draft.phaseStartedAt = at;
      draft.phasePausedMs = 0;
      draft.awaitingApproval = false;
      draft.dataWaiting = null;
      draft.fill = chooseFill(draft, event.allowance);
      return;
    case 'AgentsTargeted':
      for (const { agentId } of event.agents) {
        agent(agentId, (r) => ({ ...r, targetedAt: at, targetedPhase: event.phase, receivedAt: null, appliedAt: null, health: null, failure: null }));
      }
      return;
    case 'AgentConfigReceived':
      agent(event.agentId, (r) => ({ ...r, receivedAt: at }));
      return;
    case 'AgentConfigApplied':
      agent(event.agentId, (r) => ({ ...r, receivedAt: r.receivedAt ?? at, appliedAt: at }));
      return;
    case 'AgentConfigFailed':
      agent(event.agentId, (r) => ({ ...r, failure: { reason: event.reason, at, detail: event.detail } }));
      return;
    case 'AgentHealthChanged':
      agent(event.agentId, (r) => ({ ...r, health: { healthy: event.healthy, since: event.observedAt, lastError: event.lastError, componentErrors: event.componentErrors ?? [] } }));
      return;
    case 'AgentConnectionLost':
      agent(event.agentId, (r) => ({ ...r, connected: false, disconnectedAt: at }));
      return;
    case 'AgentConnectionRestored':
      agent(event.agentId, (r) => ({ ...r, connected: true, connectedAt: at, disconnectedAt: null }));
      return;
    case 'AgentExcluded':
      agent(event.agentId, (r) => ({ ...r, exclusion: { reason: event.reason, at } }));
      return;
    case 'AgentsReverted':
      for (const { agentId, configHash, source } of event.agents) agent(agentId, (r) => ({ ...r, revert: { configHash, source, outcome: null } }));
      return;
    case 'AgentRevertApplied':
    case 'AgentRevertFailed': {
      const outcome = { state: event.type === 'AgentRevertApplied' ? ('applied' as const) : ('failed' as const), at, detail: event.type === 'AgentRevertFailed' ? event.detail : '' };
      agent(event.agentId, (r) => (r.revert === null ? r : { ...r, revert: { ...r.revert, outcome } }));
      return;
    }
    case 'AgentsReleased':
      for (const { agentId, configHash } of event.agents) agent(agentId, (r) => ({ ...r, release: { configHash, at } }));
      return;
    case 'PhaseWaitingForData':
      draft.dataWaiting = event.dataPlane.waiting ?? null;
      return;
    case 'PhaseAwaitingApproval':
      draft.awaitingApproval = true;
      draft.dataWaiting = null;
      return;
    case 'PhasePassed':
    case 'PhaseFailed':
      draft.awaitingApproval = false;
      draft.dataWaiting = null;
      return;
    case 'RolloutPaused':
      draft.status = 'paused';
      draft.pause = { cause: event.cause, at };
      return;
    case 'RolloutResumed':
      if (draft.pause !== null) draft.phasePausedMs += Math.max(0, at - draft.pause.at);
      draft.status = 'in_progress';
      draft.pause = null;
      return;
    case 'RolloutPromoted':
      draft.status = 'in_progress';
      draft.pause = null;
      return;
    case 'RolloutCompleted':
      return end(draft, 'completed', at);
    case 'RolloutRolledBack':
      return end(draft, 'rolled_back', at);
    case 'RolloutAborted':
      return end(draft, 'aborted', at);
    case 'RolloutFailed':
      return end(draft, 'failed', at);
    default:
      return assertNever(event);
  }
}

function end(draft: DraftState, status: DraftState['status'], at: number): void {
  draft.status = status;
  draft.endedAt = at;
  draft.awaitingApproval = false;
  draft.fill = null;
}

function skippedRecord(draft: DraftState, agentId: string, skip: NonNullable<AgentRecord['skip']>): AgentRecord {
  const existing = agentOf(draft, agentId);
  const base = existing ?? { ...enrolledRecord({ agentId, stratum: null, previousConfigHash: null, reportsRemoteConfig: false, reportsHealth: false }, '', 0), connected: false, connectedAt: null };
  return { ...base, membership: 'skipped', skip };
}
