import { ROLLOUT_EVENT_SCHEMA_VERSION, type PhaseWaitingForData } from '@roost/rollout';
import { simulateRollout } from '@roost/rollout/testing';
import { projectRolloutEvent } from './rollout-projection';
import { phaseFromHash, rolloutStatusFromHash } from './rollout-status-view';
import { ViewModel } from './testing/view-model';
import { rolloutKeys, rolloutListKeys } from './view-keys';

const T0 = 1_700_000_000_000;
const agents = Array.from({ length: 10 }, (_, i) => ({ agentId: `a${i}`, identifying: { 'service.environment': 'edge' } }));

function projectUntil(untilMs: number, operator: Parameters<typeof simulateRollout>[0]['operator'], plan = [{ count: 2, windowMs: 60_000, requireApproval: true }, { percent: 100 }]) {
  const result = simulateRollout({
    rollout: { rolloutId: 'r1', target: { kind: 'group', group: 'edge' }, configHash: 'cfg-new', plan },
    agents,
    operator,
    startAt: T0,
    maxDurationMs: untilMs,
  });
  const model = new ViewModel();
  for (const event of result.events) model.apply(projectRolloutEvent(event, model));
  return { model, view: rolloutStatusFromHash(model.hgetall(rolloutKeys.status('r1')))! };
}

describe('rollout lifecycle views', () => {
  it('shows a phase awaiting approval once its gate is met', () => {
    const { model, view } = projectUntil(120_000, []);
    expect(view).toMatchObject({ status: 'in_progress', currentPhase: 'phase-1', awaitingApproval: true });
    expect(phaseFromHash(model.hgetall(rolloutKeys.phase('r1', 0)))).toMatchObject({ state: 'awaiting_approval', awaitingApprovalAt: T0 + 60_000, applied: 2, size: '2 agents' });
  });

  it('moves the rollout between the status lists on pause and resume, with both timestamps', () => {
    const paused = projectUntil(30_000, [{ afterMs: 10_000, action: 'PauseRollout', reason: 'lunch' }]);
    expect(paused.view).toMatchObject({ status: 'paused', pausedBy: 'operator', pauseReason: 'lunch', timestamps: { paused: T0 + 10_000 } });
    expect(paused.model.zrange(rolloutListKeys.byStatus('paused'))).toEqual([{ member: 'r1', score: T0 }]);
    expect(paused.model.zrange(rolloutListKeys.byStatus('in_progress'))).toEqual([]);

    const resumed = projectUntil(30_000, [
      { afterMs: 10_000, action: 'PauseRollout' },
      { afterMs: 20_000, action: 'ResumeRollout' },
    ]);
    expect(resumed.view).toMatchObject({ status: 'in_progress', pausedBy: null, timestamps: { paused: T0 + 10_000, resumed: T0 + 20_000 } });
    expect(resumed.model.zrange(rolloutListKeys.byStatus('in_progress')).map((m) => m.member)).toEqual(['r1']);
    expect(resumed.model.zrange(rolloutListKeys.byStatus('paused'))).toEqual([]);
  });

  it('ends aborted with the operator reason and lists the rollout under its group', () => {
    const { model, view } = projectUntil(30_000, [{ afterMs: 5_000, action: 'AbortRollout', reason: 'wrong config' }]);
    expect(view).toMatchObject({ status: 'aborted', group: 'edge', target: 'group edge', endedAt: T0 + 5_000, timestamps: { aborted: T0 + 5_000 } });
    expect(model.hgetall(rolloutKeys.status('r1')).abort_reason).toBe('wrong config');
    expect(model.zrange(rolloutListKeys.byGroup('edge')).map((m) => m.member)).toEqual(['r1']);
  });

  it("keeps what a running phase's data-plane gates wait for in its gate, the phase still running", () => {
    const { model } = projectUntil(30_000, [], [{ count: 2, windowMs: 60_000, requireApproval: false }, { percent: 100 }]);
    const waiting = 'waiting for data-plane figures: 1 of 2 canary agents reporting their own metrics have 3 samples in the window, 2 needed';
    const event: PhaseWaitingForData = {
      type: 'PhaseWaitingForData',
      schemaVersion: ROLLOUT_EVENT_SCHEMA_VERSION,
      id: 'r1-900',
      rolloutId: 'r1',
      at: T0 + 30_000,
      phase: 0,
      population: 2,
      applied: 2,
      failed: 0,
      pending: 0,
      disconnected: 0,
      allowedFailures: 0,
      dataPlane: {
        windowStart: T0,
        canary: { agents: 2, reporting: 1, withoutOwnMetrics: 0 },
        control: { agents: 8, reporting: 8, withoutOwnMetrics: 0 },
        gates: [{ gate: 'exporter.failed_ratio <= control+0.01', metric: 'exporter.failed_ratio', canary: null, control: null, threshold: null, outcome: 'waiting' }],
        notes: [],
        waiting,
      },
    };
    model.apply(projectRolloutEvent(event, model));
    const phase = phaseFromHash(model.hgetall(rolloutKeys.phase('r1', 0)))!;
    expect(phase.state).toBe('running');
    expect(phase.gate).toMatchObject({ population: 2, applied: 2, dataPlane: { waiting, canary: { reporting: 1 }, gates: [{ outcome: 'waiting' }] } });
    expect(rolloutStatusFromHash(model.hgetall(rolloutKeys.status('r1')))).toMatchObject({ status: 'in_progress' });
  });
});
