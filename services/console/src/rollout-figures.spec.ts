import type { Phase, RolloutAgent } from './api-types';
import { countdown, failureGroups, gateText, phaseProgress, rolloutActions, totalProgress, windowLeftMs } from './rollout-figures';

const phase = (over: Partial<Phase>): Phase => ({
  index: 0, name: 'canary', size: '2%', windowMs: 60_000, requireApproval: false, state: 'running', allowance: 0, startedAt: 1_000, windowEndsAt: 61_000,
  awaitingApprovalAt: null, endedAt: null, passedBy: null, gate: null, failureReasons: {}, targeted: 4, applied: 1, failed: 1, pending: 2, disconnected: 0, excluded: 0, ...over,
});
const failedAgent = (agentId: string, detail: string, details: string[] = [detail]): RolloutAgent => ({ agentId, failure: { reason: 'apply_failed', detail, details, at: 1 } }) as RolloutAgent;

describe('rollout figures', () => {
  it("says the gate's figures against what it allows", () => {
    expect(gateText(phase({ gate: { population: 6, applied: 4, failed: 1, pending: 1, disconnected: 0, allowedFailures: 0 } }))).toBe('1 of 6 failed, 0 allowed (1 pending)');
    expect(gateText(phase({ gate: { population: 6, applied: 6, failed: 0, pending: 0, disconnected: 0, allowedFailures: 1 } }))).toBe('0 of 6 failed, 1 allowed');
    expect(gateText(phase({ state: 'planned' }))).toBe('not started');
  });

  it('measures progress per phase and in total, and counts a running window down', () => {
    expect(phaseProgress(phase({}))).toBe(50);
    expect(phaseProgress(phase({ targeted: 0, state: 'passed' }))).toBe(100);
    expect(totalProgress({ members: 8, counts: { applied: 2 } as never })).toBe(25);
    expect(windowLeftMs(phase({}), 31_500)).toBe(29_500);
    expect(windowLeftMs(phase({ state: 'passed' }), 31_500)).toBeNull();
    expect([countdown(29_500), countdown(0), countdown(3_723_000)]).toEqual(['0:30', '0:00', '1:02:03']);
  });

  it('offers actions only to roles that may write, by status, confirming those that touch many agents', () => {
    const running = { rolloutId: 'r1', status: 'in_progress' as const, awaitingApproval: false, targeted: 2, members: 10, undoneBy: null };
    expect(rolloutActions(running, ['read'])).toEqual([]);
    expect(rolloutActions(running, ['read', 'write']).map((a) => [a.verb, a.confirm !== null])).toEqual([['pause', false], ['promote', true], ['abort', true], ['rollback', true]]);
    expect(rolloutActions({ ...running, status: 'paused' }, ['read', 'write']).map((a) => a.verb)).toEqual(['resume', 'abort', 'rollback']);
    expect(rolloutActions({ ...running, status: 'completed' }, ['read', 'audit'])).toEqual([]);
    expect(rolloutActions({ ...running, status: 'completed' }, ['read', 'write']).map((a) => [a.verb, a.confirm])).toEqual([
      ['undo', 'Undo r1: start a new rollout that returns each of its 2 touched agents to the config it ran before, through the same phases and gates?'],
    ]);
    expect(rolloutActions({ ...running, status: 'aborted', undoneBy: 'r2' }, ['read', 'write'])).toEqual([]);
    expect(rolloutActions({ ...running, status: 'completed', targeted: 0 }, ['read', 'write'])).toEqual([]);
    expect(rolloutActions({ ...running, status: 'rolled_back' }, ['read', 'write'])).toEqual([]);
    expect(rolloutActions(running, ['write'])[1]?.confirm).toContain('up to 8 more agents');
  });

  it('groups failed agents under their message, largest group first', () => {
    const groups = failureGroups([{ message: 'b', agents: 1 }, { message: 'a', agents: 2 }], [failedAgent('x2', 'a', ['a', 'PID=7 exited']), failedAgent('x1', 'a'), failedAgent('y', 'b')]);
    expect(groups).toEqual([
      { message: 'a', count: 2, agentIds: ['x1', 'x2'], otherDetails: { x2: ['PID=7 exited'] } },
      { message: 'b', count: 1, agentIds: ['y'], otherDetails: {} },
    ]);
  });
});
