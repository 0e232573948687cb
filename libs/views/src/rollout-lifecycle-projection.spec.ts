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
});
