import { ROLLOUT_EVENT_SCHEMA_VERSION, type EventBody, type RolloutEvent } from '@roost/rollout';
import { rolloutMetricSamples } from './rollout-metric-samples';

let n = 0;
function event(body: EventBody, at: number): RolloutEvent {
  n += 1;
  return { ...body, schemaVersion: ROLLOUT_EVENT_SCHEMA_VERSION, id: `r1/${n}`, rolloutId: 'r1', at } as RolloutEvent;
}
const figures = { population: 10, applied: 9, failed: 1, pending: 0, disconnected: 0, allowedFailures: 1 };

describe('rollout metric samples', () => {
  it('times a phase from its start in an earlier decision to its pass, and counts the gate decision by how it passed', () => {
    const samples = rolloutMetricSamples([event({ type: 'PhasePassed', phase: 0, by: 'gate', ...figures }, 310_000), event({ type: 'PhaseStarted', phase: 1, name: 'early', allowance: 5, windowMs: 0, requireApproval: false }, 310_000)], 10_000);
    expect(samples.gateDecisions).toEqual([{ decision: 'passed', reason: 'gate' }]);
    expect(samples.phaseDurations).toEqual([{ outcome: 'passed', seconds: 300 }]);
    expect(samples.phasesStarted).toBe(1);
  });

  it('names a failed gate by the reason counting most agents, and counts the rollout as ended rolled back', () => {
    const samples = rolloutMetricSamples(
      [
        event({ type: 'PhaseStarted', phase: 0, name: 'canary', allowance: 5, windowMs: 60_000, requireApproval: false }, 1_000),
        event({ type: 'AgentConfigFailed', agentId: 'a1', reason: 'unhealthy', detail: 'x' }, 2_000),
        event({ type: 'PhaseFailed', phase: 0, reasons: { apply_failed: 1, unhealthy: 3 }, ...figures }, 5_000),
        event({ type: 'AgentsReverted', agents: [{ agentId: 'a1', configHash: 'old', source: 'previous' }, { agentId: 'a2', configHash: 'old', source: 'previous' }] }, 5_000),
        event({ type: 'RolloutRolledBack', cause: 'phase_failed', reason: null, reverted: 2, keptNew: 0 }, 5_000),
      ],
      null,
    );
    expect(samples.gateDecisions).toEqual([{ decision: 'failed', reason: 'unhealthy' }]);
    expect(samples.phaseDurations).toEqual([{ outcome: 'failed', seconds: 4 }]);
    expect(samples.agentOutcomes).toEqual({ failed: 1, reverted: 2 });
    expect(samples.ended).toEqual({ rolled_back: 1 });
  });

  it('counts a start, its skipped agents and a phase awaiting approval, and no duration for a phase never seen starting', () => {
    const samples = rolloutMetricSamples(
      [
        event({ type: 'AgentSkipped', agentId: 'a9', reason: 'disconnected', lockedBy: null }, 0),
        event({ type: 'PhaseAwaitingApproval', phase: 0, ...figures }, 0),
        event({ type: 'PhasePassed', phase: 0, by: 'promote', ...figures }, 0),
      ],
      null,
    );
    expect(samples.agentOutcomes).toEqual({ skipped: 1 });
    expect(samples.gateDecisions.map((d) => d.decision)).toEqual(['awaiting_approval', 'passed']);
    expect(samples.phaseDurations).toEqual([]);
  });
});
