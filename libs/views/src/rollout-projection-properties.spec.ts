import fc from 'fast-check';
import { rolloutAgents, summarize } from '@roost/rollout';
import { simulateRollout, type AgentBehaviour, type ScheduledAction } from '@roost/rollout/testing';
import type { AgentOutcome } from './agent-outcome';
import { projectRolloutEvent } from './rollout-projection';
import { failureGroupsFromHash, rolloutStatusFromHash } from './rollout-status-view';
import { ViewModel } from './testing/view-model';
import { rolloutKeys, rolloutListKeys } from './view-keys';

const behaviour: fc.Arbitrary<AgentBehaviour> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<AgentBehaviour>({ kind: 'healthy' }) },
  fc.constantFrom<AgentBehaviour>(
    { kind: 'fails_apply', error: 'unknown processor x' },
    { kind: 'fails_apply', error: 'bad exporter' },
    { kind: 'unhealthy_after_apply', error: 'exporter failing' },
    { kind: 'silent' },
    { kind: 'self_rollback' },
    { kind: 'disconnects', afterMs: 5_000 },
    { kind: 'disconnects', afterMs: 5_000, reconnectAfterMs: 20_000 },
  ),
);

const agentSpec = fc.record({
  behaviour,
  previous: fc.constantFrom<string | null>('cfg-a', 'cfg-b', null),
  late: fc.option(fc.integer({ min: 1_000, max: 900_000 }), { nil: undefined }),
});

const operator: fc.Arbitrary<ScheduledAction[]> = fc.array(
  fc.record({ afterMs: fc.integer({ min: 0, max: 900_000 }), action: fc.constantFrom('PauseRollout', 'ResumeRollout', 'PromoteRollout', 'AbortRollout', 'RollbackRollout') as fc.Arbitrary<ScheduledAction['action']> }),
  { maxLength: 3 },
);

describe('rollout views over random rollouts', () => {
  it('always hold the counts, states and failures the rollout engine holds', () => {
    fc.assert(
      fc.property(
        fc.array(agentSpec, { minLength: 1, maxLength: 40, size: 'max' }),
        operator,
        fc.constantFrom<'rollback' | 'pause'>('rollback', 'pause'),
        fc.constantFrom<'fail' | 'exclude'>('fail', 'exclude'),
        (agents, actions, policy, disconnectedPolicy) => {
          const result = simulateRollout({
            rollout: {
              rolloutId: 'prop',
              target: { kind: 'group', group: 'production' },
              configHash: 'cfg-new',
              policy,
              disconnectedPolicy,
              baselineConfigHash: 'cfg-base',
              plan: [{ percent: 10, windowMs: 60_000 }, { percent: 50, windowMs: 60_000 }, { percent: 100 }],
            },
            agents: agents.map((a, i) => ({
              agentId: `a${i}`,
              behaviour: a.behaviour,
              previousConfigHash: a.previous,
              ...(a.late === undefined ? {} : { joinAfterMs: a.late }),
            })),
            operator: actions,
            maxDurationMs: 3_600_000,
          });
          if (result.state === null) return;
          const model = new ViewModel();
          for (const event of result.events) model.apply(projectRolloutEvent(event, model));

          const engine = summarize(result.state);
          const view = rolloutStatusFromHash(model.hgetall(rolloutKeys.status('prop')))!;
          expect([view.status, view.members, view.targeted, view.counts.applied, view.counts.failed, view.counts.pending, view.counts.disconnected, view.counts.skipped]).toEqual([
            engine.status, engine.members, engine.targeted, engine.applied, engine.failed, engine.pending, engine.disconnected, engine.skipped,
          ]);
          expect(view.counts.excluded + view.counts.left).toBe(engine.excluded);
          expect(view.currentPhase).toBe(engine.phase?.name ?? null);

          let failedByMessage = 0;
          for (const record of rolloutAgents(result.state)) {
            const outcome = JSON.parse(model.read({ key: rolloutKeys.agents('prop'), field: record.agentId })!) as AgentOutcome;
            expect([outcome.phase, outcome.failure?.reason ?? null, outcome.appliedAt, outcome.revert?.configHash ?? null, outcome.connected]).toEqual([
              record.targetedPhase, record.failure?.reason ?? null, record.appliedAt, record.revert?.configHash ?? null, record.connected,
            ]);
            expect(model.zrange(rolloutKeys.agentsInState('prop', outcome.state)).some((m) => m.member === record.agentId)).toBe(true);
            if (outcome.state === 'failed') failedByMessage += 1;
          }
          expect(failureGroupsFromHash(model.hgetall(rolloutKeys.failures('prop'))).reduce((n, g) => n + g.agents, 0)).toBe(failedByMessage);
          const listed = ['pending', 'in_progress', 'paused', 'completed', 'rolled_back', 'aborted', 'failed'].filter((s) => model.zrange(rolloutListKeys.byStatus(s)).length > 0);
          expect(listed).toEqual([engine.status]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
