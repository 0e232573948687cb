import { assertNever } from './assert-never';
import { classify, hasAppliedEvidence, type AgentRecord } from './agent-record';
import type { Timing } from './settings';

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
    case 'reverted':
    case 'released':
    case 'ready':
      return null;
    default:
      return assertNever(klass);
  }
}

function earliest(values: readonly (number | null)[]): number | null {
  let min: number | null = null;
  for (const value of values) if (value !== null && (min === null || value < min)) min = value;
  return min;
}
