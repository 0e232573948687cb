import { decide, summarize } from './index';
import {
  appliedAndHealthy,
  command,
  effectsOf,
  failedStatus,
  fleetOf,
  MIN,
  ofType,
  OLD,
  revertedAgents,
  RolloutScenario,
  startCommand,
  tick,
  typesOf,
} from './testing/rollout-fixtures';

function inCanaryPhase(): RolloutScenario {
  return RolloutScenario.given(startCommand({ fleet: fleetOf(100) }));
}

function ended(how: 'completed' | 'aborted' | 'rolled_back'): RolloutScenario {
  const scenario = RolloutScenario.given(startCommand({ fleet: fleetOf(1), plan: [{ percent: 100 }] }));
  if (how === 'completed') appliedAndHealthy(scenario, scenario.targeted, 10);
  if (how === 'aborted') scenario.when(command('AbortRollout', 10));
  if (how === 'rolled_back') scenario.when(command('RollbackRollout', 10));
  expect(scenario.current.status).toBe(how);
  return scenario;
}

describe('operator actions', () => {
  it('pauses a rollout in progress, with the operator reason, and notifies', () => {
    const scenario = inCanaryPhase();
    const decision = scenario.when({ type: 'PauseRollout', rolloutId: 'r1', now: 1000, reason: 'investigating a spike' });
    expect(ofType(decision, 'RolloutPaused')).toEqual([expect.objectContaining({ cause: 'operator', reason: 'investigating a spike' })]);
    expect(effectsOf(decision)).toContainEqual({ type: 'Notify', rolloutId: 'r1', kind: 'paused', message: 'rollout r1 paused by an operator: investigating a spike' });
  });

  it('holds a paused rollout at its phase, records outcomes meanwhile, and judges the gate on resume', () => {
    const scenario = inCanaryPhase();
    const [first, second] = scenario.targeted;
    scenario.when(command('PauseRollout', 1000));
    appliedAndHealthy(scenario, [first!], 2000);
    expect(typesOf(scenario.when(failedStatus(second!, 3000)))).toEqual(['AgentConfigFailed']);
    expect(typesOf(scenario.when(tick(10 * MIN)))).toEqual([]);
    const resumed = scenario.when(command('ResumeRollout', 11 * MIN));
    expect(typesOf(resumed).slice(0, 3)).toEqual(['RolloutResumed', 'PhaseFailed', 'AgentsReverted']);
  });

  it('stops the window while paused: on resume the phase watches for the rest of its window, not a moment less', () => {
    const scenario = inCanaryPhase();
    appliedAndHealthy(scenario, scenario.targeted, 30_000);
    scenario.when({ type: 'PauseRollout', rolloutId: 'r1', now: 1 * MIN, reason: 'latency alert', actor: 'ada' });
    const resumed = scenario.when(command('ResumeRollout', 10 * MIN));
    // 5-minute window, paused after 1 minute for 9: 4 minutes left from the resume.
    expect(ofType(resumed, 'RolloutResumed')).toEqual([expect.objectContaining({ phase: 0, pausedMs: 9 * MIN, windowEndsAt: 14 * MIN })]);
    expect(typesOf(resumed)).toEqual(['RolloutResumed']);
    expect(effectsOf(resumed)).toContainEqual({ type: 'ArmTimer', rolloutId: 'r1', at: 14 * MIN });
    expect(typesOf(scenario.when(tick(14 * MIN - 1)))).toEqual([]);
    expect(typesOf(scenario.when(tick(14 * MIN))).slice(0, 2)).toEqual(['PhasePassed', 'PhaseStarted']);
  });

  it('adds up several pauses of one phase, and a new phase starts with its whole window', () => {
    const scenario = inCanaryPhase();
    appliedAndHealthy(scenario, scenario.targeted, 30_000);
    scenario.when(command('PauseRollout', 1 * MIN));
    scenario.when(command('ResumeRollout', 3 * MIN));
    scenario.when(command('PauseRollout', 4 * MIN));
    expect(ofType(scenario.when(command('ResumeRollout', 6 * MIN)), 'RolloutResumed')[0]).toMatchObject({ pausedMs: 2 * MIN, windowEndsAt: 9 * MIN });
    expect(scenario.current.phasePausedMs).toBe(4 * MIN);
    expect(typesOf(scenario.when(tick(9 * MIN))).slice(0, 2)).toEqual(['PhasePassed', 'PhaseStarted']);
    expect(scenario.current.phasePausedMs).toBe(0);
  });

  it('records who paused and why, and names them in the notification', () => {
    const scenario = inCanaryPhase();
    const decision = scenario.when({ type: 'PauseRollout', rolloutId: 'r1', now: 1000, reason: 'latency alert', actor: 'ada' });
    expect(ofType(decision, 'RolloutPaused')).toEqual([expect.objectContaining({ cause: 'operator', reason: 'latency alert', actor: 'ada' })]);
    expect(effectsOf(decision)).toContainEqual({ type: 'Notify', rolloutId: 'r1', kind: 'paused', message: 'rollout r1 paused by ada: latency alert' });
  });

  it('accepts a repeated pause or resume without changing anything, so retried commands are safe', () => {
    const scenario = inCanaryPhase();
    expect(typesOf(scenario.when(command('ResumeRollout', 500)))).toEqual([]);
    scenario.when(command('PauseRollout', 1000));
    expect(typesOf(scenario.when(command('PauseRollout', 1500)))).toEqual([]);
  });

  it('promotes: ends the window early once the canaries applied', () => {
    const scenario = inCanaryPhase();
    appliedAndHealthy(scenario, scenario.targeted, 1000);
    const decision = scenario.when(command('PromoteRollout', 2000));
    expect(ofType(decision, 'PhasePassed')).toEqual([expect.objectContaining({ phase: 0, by: 'promote', applied: 2 })]);
    expect(ofType(decision, 'PhaseStarted')).toEqual([expect.objectContaining({ phase: 1, name: 'early-adopters' })]);
  });

  it('aborts: stops where it is, puts agents that had not applied the config back on theirs, notifies and disarms the timer', () => {
    const scenario = inCanaryPhase();
    const [applied, notYet] = scenario.targeted;
    appliedAndHealthy(scenario, [applied!], 500);
    const decision = scenario.when({ type: 'AbortRollout', rolloutId: 'r1', now: 1000, reason: 'wrong config' });
    expect(typesOf(decision)).toEqual(['AgentsReleased', 'RolloutAborted']);
    expect(effectsOf(decision)).toEqual([
      { type: 'SetDesiredConfig', rolloutId: 'r1', assignments: [{ agentId: notYet, configHash: OLD }] },
      { type: 'Notify', rolloutId: 'r1', kind: 'aborted', message: 'rollout r1 aborted: agents that applied the config keep it; 1 that had not applied it go back to the config they ran: wrong config' },
      { type: 'DisarmTimer', rolloutId: 'r1' },
    ]);
    expect(summarize(scenario.current)).toMatchObject({ applied: 1, released: 1, pending: 0 });
  });

  it('records a FAILED that arrives after the rollout ended, and nothing else', () => {
    const scenario = inCanaryPhase();
    scenario.when(command('AbortRollout', 1000));
    const [late] = scenario.targeted;
    expect(typesOf(scenario.when(failedStatus(late!, 2000)))).toEqual(['AgentConfigFailed']);
    expect(effectsOf(scenario.when(failedStatus(late!, 2001)))).toEqual([]);
    expect(summarize(scenario.current)).toMatchObject({ failed: 1, released: 1, pending: 0 });
  });

  it('rolls back on the fast path: every touched agent reverts now', () => {
    const scenario = inCanaryPhase();
    const decision = scenario.when(command('RollbackRollout', 1000));
    expect(revertedAgents(decision).map((agent) => agent.agentId).sort()).toEqual([...scenario.targeted].sort());
    expect(ofType(decision, 'RolloutRolledBack')).toEqual([expect.objectContaining({ cause: 'operator', reverted: 2 })]);
    expect(summarize(scenario.current).status).toBe('rolled_back');
  });

  it.each([
    ['completed', 'ResumeRollout'],
    ['completed', 'PauseRollout'],
    ['completed', 'PromoteRollout'],
    ['completed', 'AbortRollout'],
    ['completed', 'RollbackRollout'],
    ['aborted', 'RollbackRollout'],
    ['aborted', 'ResumeRollout'],
    ['rolled_back', 'AbortRollout'],
    ['rolled_back', 'PromoteRollout'],
  ] as const)('refuses to act on a rollout that ended %s: %s is transition.illegal', (status, type) => {
    const decision = ended(status).when(command(type, 1000));
    expect(decision).toMatchObject({ ok: false, error: { code: 'transition.illegal', details: { from: status, action: type } } });
  });

  it('accepts a repeated abort or rollback of a rollout already ended that way', () => {
    expect(typesOf(ended('aborted').when(command('AbortRollout', 1000)))).toEqual([]);
    expect(typesOf(ended('rolled_back').when(command('RollbackRollout', 1000)))).toEqual([]);
  });

  it('refuses a command addressed to another rollout, and any input before the start', () => {
    expect(inCanaryPhase().when(command('PauseRollout', 1000, 'r2'))).toMatchObject({ ok: false, error: { code: 'rollout.not_found' } });
    expect(decide(null, tick(0))).toMatchObject({ ok: false, error: { code: 'rollout.not_found' } });
  });
});
