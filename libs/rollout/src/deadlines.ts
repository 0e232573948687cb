import { classify, hasAppliedEvidence, type AgentRecord } from './agent-record';
import { allAgents } from './agent-table';
import { assertNever } from './assert-never';
import type { Timing } from './settings';
import { currentPhase, isActive, type RolloutState } from './state';

/** When a targeted agent stops waiting for its connection to come back. */
export function disconnectDeadline(agent: AgentRecord, timing: Timing): number | null {
  return agent.disconnectedAt === null ? null : agent.disconnectedAt + timing.disconnectGraceMs;
}

/** When an unhealthy report since the push turns into a failure. */
export function unhealthyDeadline(agent: AgentRecord, timing: Timing): number | null {
  return agent.health?.healthy === false ? agent.health.since + timing.healthGraceMs : null;
}

/**
 * When a connected agent that has not yet shown the config applied (and healthy, if it reports
 * health) times out. Counted from the push, or from its latest reconnection if later.
 */
export function applyDeadline(agent: AgentRecord, timing: Timing): number | null {
  if (hasAppliedEvidence(agent) || agent.targetedAt === null) return null;
  return Math.max(agent.targetedAt, agent.connectedAt ?? agent.targetedAt) + timing.applyTimeoutMs;
}

/** The earliest time at which the agent's situation changes without any report. */
export function agentDeadline(agent: AgentRecord, timing: Timing): number | null {
  const klass = classify(agent);
  switch (klass) {
    case 'disconnected':
      return disconnectDeadline(agent, timing);
    case 'pending':
      return earliest([unhealthyDeadline(agent, timing), applyDeadline(agent, timing)]);
    case 'skipped':
    case 'waiting':
    case 'left':
    case 'excluded':
    case 'failed':
    case 'ready':
      return null;
    default:
      return assertNever(klass);
  }
}

/**
 * The time the orchestrator should send the next Tick: the earliest agent deadline (which may
 * already have passed: fire at once) or the end of the current phase's window if still ahead.
 */
export function nextDeadline(state: RolloutState, now: number): number | null {
  if (!isActive(state.status)) return null;
  const candidates: (number | null)[] = [];
  if (state.status === 'in_progress' && !state.awaitingApproval && state.phaseStartedAt !== null) {
    const windowEnd = state.phaseStartedAt + currentPhase(state).windowMs;
    if (windowEnd > now) candidates.push(windowEnd);
  }
  if (state.counts.pending + state.counts.disconnected > 0) {
    for (const agent of allAgents(state.agents)) candidates.push(agentDeadline(agent, state.settings.timing));
  }
  return earliest(candidates);
}

function earliest(values: readonly (number | null)[]): number | null {
  let min: number | null = null;
  for (const value of values) if (value !== null && (min === null || value < min)) min = value;
  return min;
}
