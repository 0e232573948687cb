import { assertNever, type FailureReason, type RolloutEvent } from '@roost/rollout';

/** Label values of `roost_rollout_agent_outcomes_total{outcome}`. */
export type AgentOutcomeLabel = 'applied' | 'failed' | 'excluded' | 'skipped' | 'reverted' | 'released' | 'revert_applied' | 'revert_failed';

/** What one stored decision adds to the rollout metrics: plain data, so the mapping is tested without a registry. */
export interface RolloutMetricSamples {
  readonly started: number;
  /** Ended rollouts by final status. */
  readonly ended: Readonly<Record<string, number>>;
  readonly phasesStarted: number;
  /** One per gate decision: `passed` (by gate or promote), `failed` (the reason with most agents), `awaiting_approval`. */
  readonly gateDecisions: readonly { readonly decision: 'passed' | 'failed' | 'awaiting_approval'; readonly reason: string }[];
  /** Seconds from a phase's start to its pass or failure. */
  readonly phaseDurations: readonly { readonly outcome: 'passed' | 'failed'; readonly seconds: number }[];
  readonly agentOutcomes: Readonly<Partial<Record<AgentOutcomeLabel, number>>>;
}

/**
 * The metric samples of the events one decision stored. `phaseStartedAt` is when the rollout's
 * current phase started before these events (null before the first), so a phase that started
 * in an earlier decision is timed from its real start.
 */
export function rolloutMetricSamples(events: readonly RolloutEvent[], phaseStartedAt: number | null): RolloutMetricSamples {
  let started = 0;
  let phasesStarted = 0;
  let phaseStart = phaseStartedAt;
  const ended: Record<string, number> = {};
  const gateDecisions: { decision: 'passed' | 'failed' | 'awaiting_approval'; reason: string }[] = [];
  const phaseDurations: { outcome: 'passed' | 'failed'; seconds: number }[] = [];
  const agentOutcomes: Partial<Record<AgentOutcomeLabel, number>> = {};
  const add = (outcome: AgentOutcomeLabel, by = 1): void => {
    if (by > 0) agentOutcomes[outcome] = (agentOutcomes[outcome] ?? 0) + by;
  };
  const end = (status: string): void => {
    ended[status] = (ended[status] ?? 0) + 1;
  };
  const phaseEnded = (outcome: 'passed' | 'failed', at: number): void => {
    if (phaseStart !== null) phaseDurations.push({ outcome, seconds: Math.max(0, at - phaseStart) / 1000 });
  };
  for (const event of events) {
    switch (event.type) {
      case 'RolloutStarted':
        started += 1;
        break;
      case 'PhaseStarted':
        phasesStarted += 1;
        phaseStart = event.at;
        break;
      case 'PhasePassed':
        gateDecisions.push({ decision: 'passed', reason: event.by });
        phaseEnded('passed', event.at);
        break;
      case 'PhaseFailed':
        gateDecisions.push({ decision: 'failed', reason: mainReason(event.reasons) });
        phaseEnded('failed', event.at);
        break;
      case 'PhaseAwaitingApproval':
        gateDecisions.push({ decision: 'awaiting_approval', reason: 'approval_required' });
        break;
      case 'AgentConfigApplied':
        add('applied');
        break;
      case 'AgentConfigFailed':
        add('failed');
        break;
      case 'AgentExcluded':
        add('excluded');
        break;
      case 'AgentSkipped':
        add('skipped');
        break;
      case 'AgentsReverted':
        add('reverted', event.agents.length);
        break;
      case 'AgentsReleased':
        add('released', event.agents.length);
        break;
      case 'AgentRevertApplied':
        add('revert_applied');
        break;
      case 'AgentRevertFailed':
        add('revert_failed');
        break;
      case 'RolloutCompleted':
        end('completed');
        break;
      case 'RolloutRolledBack':
        end('rolled_back');
        break;
      case 'RolloutAborted':
        end('aborted');
        break;
      case 'RolloutFailed':
        end('failed');
        break;
      case 'UndoStarted':
      case 'PhaseWaitingForData':
      case 'AgentsEnrolled':
      case 'AgentJoined':
      case 'AgentsTargeted':
      case 'AgentConfigReceived':
      case 'AgentHealthChanged':
      case 'AgentConnectionLost':
      case 'AgentConnectionRestored':
      case 'RolloutPaused':
      case 'RolloutResumed':
      case 'RolloutPromoted':
        break;
      default:
        assertNever(event);
    }
  }
  return { started, ended, phasesStarted, gateDecisions, phaseDurations, agentOutcomes };
}

/** The failure reason counting most agents (ties: the first in name order); `unknown` when none is given. */
function mainReason(reasons: Readonly<Partial<Record<FailureReason, number>>>): string {
  const entries = Object.entries(reasons).filter(([, n]) => (n ?? 0) > 0) as [string, number][];
  entries.sort(([a, n], [b, m]) => m - n || a.localeCompare(b));
  return entries[0]?.[0] ?? 'unknown';
}
